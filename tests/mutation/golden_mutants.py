#!/usr/bin/python3
"""Mutation testing of golden C (issue 17): operator and constant mutations of
one golden source file, each compiled on its own and linked into the unit's
oracle tests (the mutant object comes first, so the archive's copy of the file
is not used); a mutant is killed when a test fails (or times out), stillborn
when it does not compile (not counted; a link failure stops the run: the
harness misses an object). The source tree is never modified:
the mutated copy lives in WORK.

Mutations (on code with comments, strings and #include lines masked):
  operators  + -> -, - -> +, / -> *, < <-> <=, > <-> >=, == <-> !=, && <-> ||,
             & -> |, | -> &, ^ -> |, << <-> >>, ++ <-> --, += <-> -=, ! -> (none)
  constants  integer literal n -> n + 1, n -> n - 1 (n > 0), 0 -> 1
A fixed random sample (seed 1) of SAMPLE sites per file: ids are stable while
the file does not change.

usage: golden_mutants.py WORK OUT.csv SAMPLE FILE:TEST[+TEST...][:EXTRA.o,...] ...
  FILE   golden/x.c (or golden/x_impl.h:golden/x.c: a header compiled through x.c)
  TEST   a unit test binary name under build/tests (its object: build/obj/tests/TEST.o)
Env: BUILD (default build), LPCS_SHARED (for the tests), MUT_TEST_TIMEOUT (s, 120),
  MUT_SANITIZE (default 1: the mutant object is built with AddressSanitizer and
  UBSan, so an out-of-bounds read or an oversized shift that a test cannot see
  in the values still kills it; the unmutated file must pass the same build
  first), MUT_ONLY (comma-separated FILE#ID: run only these sites, e.g. the
  survivors of a full run).
CSV: file,id,line,kind,orig,repl,result,seconds,test"""
import csv
import os
import random
import re
import subprocess
import sys
import time

BUILD = os.environ.get("BUILD", "build")
TMO = int(os.environ.get("MUT_TEST_TIMEOUT", "120"))
CC = ["gcc", "-std=c11", "-O2", "-g0", "-ffp-contract=off", "-D_POSIX_C_SOURCE=200809L", "-Wall"]
SAN = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer"]
if os.environ.get("MUT_SANITIZE", "1") != "0":
    CC += SAN
LINK = ["gcc"] + (SAN if os.environ.get("MUT_SANITIZE", "1") != "0" else [])
ONLY = set(x for x in os.environ.get("MUT_ONLY", "").split(",") if x)
LIBS = [BUILD + "/liblpcsrt.a", BUILD + "/libmodels.a", BUILD + "/libgolden.a", "-lcmocka", "-ljansson", "-lm", "-lpthread"]

OPS = [("<<=", None), (">>=", None), ("+=", "-="), ("-=", "+="), ("<<", ">>"), (">>", "<<"), ("++", "--"), ("--", "++"),
       ("&&", "||"), ("||", "&&"), ("==", "!="), ("!=", "=="), ("<=", "<"), (">=", ">"), ("->", None),
       ("*=", None), ("/=", None), ("|=", None), ("&=", None), ("^=", None), ("%=", None),
       ("<", "<="), (">", ">="), ("+", "-"), ("-", "+"), ("/", "*"), ("&", "|"), ("|", "&"), ("^", "|"), ("!", "")]
OP_RE = re.compile("|".join(re.escape(o) for o, _ in OPS))
NUM_RE = re.compile(r"(?<![\w.])(0[xX][0-9a-fA-F]+|\d+)([uUlL]*)(?![\w.])")


def mask(src):
    """The source with comments, string/char literals and #include lines blanked (same length)."""
    out = list(src)
    i, n = 0, len(src)
    while i < n:
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
        elif src[i] in "\"'":
            q, j = src[i], i + 1
            while j < n and src[j] != q:
                j += 2 if src[j] == "\\" else 1
            j += 1
        elif src[i] == "#" and (i == 0 or src[i - 1] == "\n"):
            line_end = src.find("\n", i)
            line_end = n if line_end < 0 else line_end
            if re.match(r"#\s*(include|if|ifdef|ifndef|elif|else|endif|error|pragma)", src[i:line_end]):
                j = line_end
            else:
                i += 1
                continue
        else:
            i += 1
            continue
        for k in range(i, min(j, n)):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


def sites(src):
    m = mask(src)
    found = []
    for mo in OP_RE.finditer(m):
        op = mo.group(0)
        repl = dict(OPS)[op]
        if repl is None:
            continue
        found.append((mo.start(), mo.end(), "operator", op, repl))
    for mo in NUM_RE.finditer(m):
        text, suf = mo.group(1), mo.group(2)
        v = int(text, 0)
        fmt = (lambda x: hex(x)) if text.lower().startswith("0x") else str
        found.append((mo.start(1), mo.end(1), "constant", text, fmt(v + 1)))
        if v > 0:
            found.append((mo.start(1), mo.end(1), "constant", text, fmt(v - 1)))
    return sorted(found)


def run(cmd, timeout=None):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout + r.stderr
    except subprocess.TimeoutExpired:
        return 124, "timeout"


def build_and_test(d, target, hdr, unit_c, text, tests, extra):
    """Compiles text as target in d and runs the tests: (result, failing test)."""
    open(os.path.join(d, os.path.basename(target)), "w").write(text)
    if hdr:  # a copy of the unit's .c beside the mutated header: its #include "x.h" finds the mutant first
        open(os.path.join(d, os.path.basename(unit_c)), "w").write(open(unit_c).read())
        comp = CC + ["-I" + d, "-Igolden", "-c", os.path.join(d, os.path.basename(unit_c)), "-o", d + "/m.o"]
    else:
        comp = CC + ["-Igolden", "-c", os.path.join(d, os.path.basename(target)), "-o", d + "/m.o"]
    rc, log = run(comp)
    if rc:
        return "stillborn", ""
    for t in tests:
        exe = os.path.join(d, t)
        rc, log = run(LINK + ["-o", exe, d + "/m.o", BUILD + "/obj/tests/" + t + ".o"] + extra + LIBS)
        if rc:  # operator/constant mutants keep every symbol: the harness is wrong (a missing object)
            sys.exit("golden_mutants: linking %s failed (missing EXTRA objects?):\n%s" % (t, log[-2000:]))
        rc, log = run([exe], TMO)
        if rc:
            return "killed", t + (" timeout" if rc == 124 else "")
    return "survived", ""


def main():
    work, out, sample = sys.argv[1], sys.argv[2], int(sys.argv[3])
    specs = sys.argv[4:]
    os.makedirs(work, exist_ok=True)
    rows = []
    for spec in specs:
        parts = spec.split(":")
        if parts[0].endswith(".h"):
            hdr, unit_c, tests = parts[0], parts[1], parts[2]
            extra = parts[3].split(",") if len(parts) > 3 and parts[3] else []
        else:
            hdr, unit_c, tests = None, parts[0], parts[1]
            extra = parts[2].split(",") if len(parts) > 2 and parts[2] else []
        target = hdr or unit_c
        src = open(target).read()
        all_sites = sites(src)
        rnd = random.Random(1)
        chosen = sorted(rnd.sample(range(len(all_sites)), min(sample, len(all_sites))))
        if ONLY:  # the named sites only (ids are site numbers, independent of the sample)
            chosen = sorted(i for i in range(len(all_sites)) if "%s#%d" % (target, i) in ONLY)
            if not chosen:
                continue
        tests = tests.split("+")
        d = os.path.join(work, os.path.basename(target).replace(".", "_"))
        os.makedirs(d, exist_ok=True)
        # the unmutated file through the same build must pass every test
        if build_and_test(d, target, hdr, unit_c, src, tests, extra)[0] != "survived":
            sys.exit("golden_mutants: the unmutated %s fails its tests in this build" % target)
        killed = total = 0
        for n, idx in enumerate(chosen):
            a, b, kind, orig, repl = all_sites[idx]
            line = src.count("\n", 0, a) + 1
            mutated = src[:a] + repl + src[b:]
            t0 = time.time()
            result, which = build_and_test(d, target, hdr, unit_c, mutated, tests, extra)
            secs = time.time() - t0
            if result != "stillborn":
                total += 1
                killed += result == "killed"
            rows.append([target, idx, line, kind, orig, repl, result, "%.1f" % secs, which])
            print("%s #%d line %d %s %s -> %s: %s (%d/%d, %d of %d killed)" % (
                target, idx, line, kind, orig, repl or "(none)", result, n + 1, len(chosen), killed, total),
                file=sys.stderr, flush=True)
        with open(out, "w", newline="") as f:  # rewritten after every file: partial runs keep their rows
            w = csv.writer(f)
            w.writerow(["file", "id", "line", "kind", "orig", "repl", "result", "seconds", "test"])
            w.writerows(rows)
    counted = [r for r in rows if r[6] != "stillborn"]
    k = sum(r[6] == "killed" for r in counted)
    print("golden mutants: %d of %d killed (%.1f %%), %d stillborn" % (
        k, len(counted), 100.0 * k / max(1, len(counted)), len(rows) - len(counted)))


if __name__ == "__main__":
    main()
