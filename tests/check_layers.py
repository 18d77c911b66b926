#!/usr/bin/env python3
"""make check-layers: the layer rules of the README's Layout table, enforced.

Three checks, each one able to fail on its own:
  1. the README table (column "may depend on") equals the layer table the
     Makefile builds with (`make print-layers`: per-layer include paths and
     link order come from it);
  2. every #include "..." of every tracked C/C++/CUDA file resolves to a file
     of a layer its own layer may depend on (resolved like the compiler
     would: beside the includer first, then in every layer's folders, so a
     header that the build hides is still found and judged);
  3. every library archive of a layer leaves undefined only symbols that
     itself, an allowed layer's archive or the system define (`nm`), so the
     link lines cannot smuggle in an edge the include paths forbid;
  4. (--data-only OBJ, repeatable) an adapter object that hands a simulator
     its operands (sw_runtime/backend_platform.c) references no symbol that
     computes a result (the cpu backend, its kernels, golden's arithmetic):
     the simulator's results cannot come from the cpu code;
  5. no library archive (--lib) holds writable data (objects in .data/.bss
     or thread-local storage, `objdump -t`): libraries keep no global
     mutable state. Allowed: the SystemC platform's one kernel object
     (sim/platform/platform.cpp `kern`, one SystemC kernel per process) and
     what the SystemC/TLM and C++ headers define in every translation unit.

Usage: check_layers.py [--root DIR] [--layers FILE] [--lib LAYER=ARCHIVE ...]
  --layers FILE  output of `make print-layers` (default: run make in root)
Exit 0 when clean, 1 on a violation (each printed), 2 on bad usage.
"""
import argparse
import os
import re
import subprocess
import sys

SRC_EXT = (".c", ".h", ".cpp", ".hpp", ".cu", ".cuh")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def parse_make_layers(text):
    """Lines 'layer NAME dirs=a,b deps=x,y' -> {name: (dirs, deps)}."""
    layers = {}
    for line in text.splitlines():
        f = line.split()
        if len(f) != 4 or f[0] != "layer":
            continue
        kv = dict(x.split("=", 1) for x in f[2:])
        dirs = [d for d in kv["dirs"].split(",") if d]
        deps = [d for d in kv["deps"].split(",") if d]
        layers[f[1]] = (dirs, deps)
    return layers


def parse_readme(path):
    """The Layout table: | `folder/` | what | may depend on |."""
    rows = {}
    in_table = False
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("## Layout"):
                in_table = True
                continue
            if in_table and line.startswith("## "):
                break
            if not in_table or not line.startswith("| `"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            folder = cells[0].strip("`").rstrip("/")
            deps = re.sub(r"\s*\([^)]*\)", "", cells[2]).strip()  # "(notes)" are prose
            if deps.startswith("everything"):
                rows[folder] = ["*"]
            elif deps.startswith("nothing") or deps in ("—", "-", ""):
                rows[folder] = []
            else:
                rows[folder] = [d.strip().strip("`").rstrip("/") for d in deps.split(",")]
    return rows


def layer_of(path, layers):
    """Longest matching folder wins (sw_runtime/cli before sw_runtime)."""
    best, blen = None, -1
    for name, (dirs, _) in layers.items():
        for d in dirs:
            if (path == d or path.startswith(d + "/")) and len(d) > blen:
                best, blen = name, len(d)
    return best


def allowed(layers, a, b):
    if a == b:
        return True
    deps = layers[a][1]
    return "*" in deps or b in deps


def tracked_sources(root):
    git = os.path.exists(os.path.join(root, ".git"))
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=root,
                         capture_output=True, text=True) if git else None
    if not out or out.returncode != 0:  # not the top of a git checkout: every file
        files = []
        for dp, _, fn in os.walk(root):
            files += [os.path.relpath(os.path.join(dp, f), root) for f in fn]
    else:
        files = out.stdout.split()
    return sorted(f for f in files if f.endswith(SRC_EXT) and os.path.exists(os.path.join(root, f)))


def resolve(root, src, inc, search):
    cand = os.path.normpath(os.path.join(os.path.dirname(src), inc))
    if os.path.exists(os.path.join(root, cand)):
        return cand
    for d in search:
        cand = os.path.normpath(os.path.join(d, inc))
        if os.path.exists(os.path.join(root, cand)):
            return cand
    return None  # system or generated header (Verilator's V*.h): not a project edge


def check_includes(root, layers):
    search = [d for _, (dirs, _) in sorted(layers.items()) for d in dirs]
    bad, edges = [], 0
    for src in tracked_sources(root):
        la = layer_of(src, layers)
        if la is None:
            continue
        with open(os.path.join(root, src), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for m in INCLUDE.finditer(text):
            tgt = resolve(root, src, m.group(1), search)
            lb = layer_of(tgt, layers) if tgt else None
            if lb is None:
                continue
            edges += 1
            if not allowed(layers, la, lb):
                line = text.count("\n", 0, m.start()) + 1
                bad.append(f"include {src}:{line} ({la}) -> {tgt} ({lb}): {la} may not depend on {lb}")
    return bad, edges


def nm_symbols(archive):
    out = subprocess.run(["nm", "-g", "--defined-only", archive], capture_output=True, text=True, check=True)
    defined = {l.split()[-1] for l in out.stdout.splitlines() if len(l.split()) >= 3}
    out = subprocess.run(["nm", "-g", "--undefined-only", archive], capture_output=True, text=True, check=True)
    undef = {l.split()[-1] for l in out.stdout.splitlines() if l.strip() and not l.endswith(":")}
    return defined, undef - defined


def check_links(libs, layers):
    bad, n = [], 0
    syms = {}
    for layer, path in libs:
        if not os.path.exists(path):
            bad.append(f"link: {path} ({layer}) not built")
            continue
        syms[(layer, path)] = nm_symbols(path)
    for (la, pa), (_, undef) in syms.items():
        for (lb, pb), (defined, _) in syms.items():
            if pa == pb:
                continue
            used = sorted(undef & defined)
            n += len(used)
            if used and not allowed(layers, la, lb):
                bad.append(f"link {pa} ({la}) -> {pb} ({lb}): {la} may not depend on {lb} "
                           f"({len(used)} symbols, e.g. {used[0]})")
    return bad, n


# Writable data sections (checked: 5) and the objects allowed in them.
WRITABLE = re.compile(r"^\.(data|bss|tdata|tbss)(\.|$)(?!rel\.ro)")
MUTABLE_ALLOWED = re.compile(r"^(\(anonymous namespace\)::kern$|(guard variable for )?(tlm|sc_core|sc_dt|std)::|"
                             r"tlm::tlm_extension<|DW\.ref\.)")


def check_mutable(libs):
    bad, n = [], 0
    for layer, path in libs:
        if not os.path.exists(path):
            continue  # reported by check_links
        out = subprocess.run(["objdump", "-t", "-C", path], capture_output=True, text=True, check=True).stdout
        obj = path
        for line in out.splitlines():
            member = re.match(r"^(\S+):\s+file format", line)
            if member:
                obj = member.group(1)
            m = re.match(r"^[0-9a-f]+ (.{7}) (\S+)\s+[0-9a-f]+\s+(.*)$", line)
            if not m or "O" not in m.group(1):
                continue
            n += 1
            sect, name = m.group(2), re.sub(r"^\.hidden ", "", m.group(3).strip())
            if WRITABLE.match(sect) and not MUTABLE_ALLOWED.match(name):
                bad.append(f"mutable: {path} ({layer}) {obj}: `{name}` in {sect}: libraries keep no global "
                           f"mutable state (make it const, or per-instance state)")
    return bad, n


# What computes a result: the cpu backend and its kernels, golden's unit and
# fp arithmetic. (Format conversion of the weight image, sizes and the
# platform's own API are what an adapter needs, and are not listed.)
COMPUTES = re.compile(r"^(rt_cpu_|rt_exact_matmul|rt_matvec|rt_rmsnorm|rt_hgrn_exec|rt_bitlinear_offload|rt_bl_|"
                      r"rt_unit_mm|rt_shiftmac_exec|rt_qf_roundtrip|kn_|bitlinear_forward|bitlinear_rmsnorm|"
                      r"bitlinear_dequant|ternary_gemv|ternary_gemm|act_quant|rmmec_gemv|rmmec_dot|rmmec_acc|"
                      r"lutgemv_gemv|hgrn_|qformat_roundtrip|shiftmac_gemv|ggml_vec_dot)")


def check_data_only(objs):
    bad, n = [], 0
    for obj in objs:
        if not os.path.exists(obj):
            bad.append(f"data-only: {obj} not built")
            continue
        out = subprocess.run(["nm", "-g", "--undefined-only", obj], capture_output=True, text=True, check=True)
        undef = [l.split()[-1] for l in out.stdout.splitlines() if l.strip()]
        n += len(undef)
        for sym in undef:
            if COMPUTES.match(sym):
                bad.append(f"data-only: {obj} calls {sym}: a simulator adapter may hand over operands, not compute")
    return bad, n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=".")
    ap.add_argument("--layers", help="file with `make print-layers` output")
    ap.add_argument("--lib", action="append", default=[], help="LAYER=ARCHIVE (repeatable)")
    ap.add_argument("--data-only", action="append", default=[], help="adapter object that may not compute")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    if a.layers:
        with open(a.layers, encoding="utf-8") as fh:
            mk = fh.read()
    else:
        mk = subprocess.run(["make", "-s", "--no-print-directory", "print-layers"], cwd=root, capture_output=True,
                            text=True).stdout
    layers = parse_make_layers(mk)
    if not layers:
        print("check-layers: no layer table from `make print-layers`", file=sys.stderr)
        return 2
    bad = []
    readme = parse_readme(os.path.join(root, "README.md"))
    for name, (dirs, deps) in sorted(layers.items()):
        want = readme.get(dirs[0])
        if want is None:
            bad.append(f"README: the Layout table has no row for `{dirs[0]}/` (layer {name})")
        elif sorted(want) != sorted(deps):
            bad.append(f"README: `{dirs[0]}/` may depend on {', '.join(want) or 'nothing'} but the build allows "
                       f"{', '.join(deps) or 'nothing'}")
    inc_bad, n_inc = check_includes(root, layers)
    libs = []
    for spec in a.lib:
        if "=" not in spec or spec.split("=", 1)[0] not in layers:
            print(f"check-layers: bad --lib {spec}", file=sys.stderr)
            return 2
        libs.append(tuple(spec.split("=", 1)))
    link_bad, n_link = check_links(libs, layers)
    data_bad, n_data = check_data_only(a.data_only)
    mut_bad, n_obj = check_mutable(libs)
    bad += inc_bad + link_bad + data_bad + mut_bad
    if a.data_only and n_data < 5:
        print(f"check-layers: only {n_data} symbols of the data-only objects seen: the scan is broken")
        return 1
    for b in bad:
        print("check-layers: " + b)
    # a check that compared nothing must not pass
    if n_inc < 50 or (libs and (n_link < 10 or n_obj < 20)):
        print(f"check-layers: only {n_inc} include edges / {n_link} link symbols / {n_obj} data objects checked: "
              f"the scan is broken")
        return 1
    print(f"check-layers: {len(layers)} layers, {n_inc} include edges, {len(libs)} archives "
          f"({n_link} cross-archive symbols, {n_obj} data objects): {len(bad)} violations")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
