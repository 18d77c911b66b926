#!/bin/sh
# CI step `test-trust` (issue 19): regressions for results that were wrong or
# hidden without a warning. Each check fails on the old behaviour:
#   platform-explain  sweep --mode platform --explain wrote analytical cycles
#                     into the platform row
#   gqa-kv            attention DRAM bytes counted n_heads instead of
#                     n_kv_heads values per position (GQA counted twice)
# Usage: tests/trust/trust_checks.sh LPCS SHARED WORKDIR [CHECK...]
set -eu
lpcs=$1 shared=$2 dir=$3
shift 3
case $lpcs in /*) ;; *) lpcs=$(pwd)/$lpcs ;; esac
checks=${*:-"platform-explain gqa-kv fallback design-point resume check summary columns grid-paths plots"}
rm -rf "$dir" && mkdir -p "$dir"
llama=$shared/models/shakespeare-llama.bin
fail() { echo "test-trust: $*"; exit 1; }
col() { # FILE NAME: the value of column NAME in the first data row
    awk -F, -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i } NR == 2 { print $c }' "$1"
}

check_platform_explain() {
    printf '{"model": "%s", "context": 256, "base": {"sram_kib": 64}, "points": [{"plan": "kv=fp32"}]}\n' \
        "$llama" > "$dir/pe.json"
    "$lpcs" sweep "$dir/pe.json" -o "$dir/pe_plain.csv" --no-nll --mode platform --quiet
    "$lpcs" sweep "$dir/pe.json" -o "$dir/pe_explain.csv" --no-nll --mode platform --explain --quiet > "$dir/pe.txt"
    "$lpcs" sweep "$dir/pe.json" -o "$dir/pe_model.csv" --no-nll --quiet
    a=$(col "$dir/pe_plain.csv" cycles_per_token) b=$(col "$dir/pe_explain.csv" cycles_per_token)
    m=$(col "$dir/pe_model.csv" cycles_per_token)
    [ -n "$a" ] && [ "$a" = "$b" ] || fail "platform row: $a cycles without --explain, $b with it"
    [ "$a" != "$m" ] || fail "platform and analytical rows agree exactly ($a): is the platform used at all?"
    echo "test-trust: platform-explain: platform row $a cycles with and without --explain (analytical $m)"
}

check_gqa_kv() {
    # shakespeare-llama: dim 256, 8 heads, 4 KV heads of 32: 128 KV values per
    # position; at position 128 (context 256) K and V in fp32 are
    # 129 x 128 x 2 x 4 = 132096 bytes, all from DRAM with a 64 KiB SRAM
    printf '{"model": "%s", "context": 256, "base": {"sram_kib": 64}, "points": [{"plan": "kv=fp32"}]}\n' \
        "$llama" > "$dir/kv.json"
    "$lpcs" sweep "$dir/kv.json" -o "$dir/kv.csv" --no-nll --explain --quiet > "$dir/kv.txt"
    got=$(awk '$1 == "L1.attn" { print $5 }' "$dir/kv.txt")
    [ "$got" = 132096 ] || fail "L1.attn DRAM bytes at position 128: $got, want 132096 (129 x 128 x 2 x 4)"
    echo "test-trust: gqa-kv: L1.attn reads $got DRAM bytes at position 128 (n_kv_heads x head_size per position)"
}

check_fallback() {
    # the llama model has no BitLinear op, the only op rtl implements: every
    # op falls back, with or without the Verilated RTL in this build
    "$lpcs" run "$llama" -n 2 --backend rtl --quiet --report "$dir/fb.json" > /dev/null 2> "$dir/fb.err"
    grep -q "ops do not run on the backend asked for" "$dir/fb.err" || fail "fallback: nothing said on stderr"
    nf=$(grep -c '"fallback": true' "$dir/fb.json" || true)
    nr=$(grep -c '"fallback_reason": "rtl ' "$dir/fb.json" || true)
    [ "$nf" -ge 10 ] && [ "$nf" = "$nr" ] || fail "fallback: report flags $nf ops, $nr with a reason"
    grep -q '"fallback_ops": '"$nf" "$dir/fb.json" || fail "fallback: no fallback_ops count in the report"
    rc=0; "$lpcs" run "$llama" -n 2 --backend rtl --strict --quiet > /dev/null 2> "$dir/fb_strict.err" || rc=$?
    [ $rc = 1 ] && grep -q -- "--strict: stopping" "$dir/fb_strict.err" || fail "fallback: --strict gave rc $rc"
    # the SystemC platform runs every op: --strict passes, nothing is said
    "$lpcs" run "$llama" -n 2 --backend sim --strict --quiet > /dev/null 2> "$dir/fb_sim.err" ||
        fail "fallback: --backend sim --strict failed: $(cat "$dir/fb_sim.err")"
    [ ! -s "$dir/fb_sim.err" ] || fail "fallback: --backend sim printed: $(cat "$dir/fb_sim.err")"
    echo "test-trust: fallback: $nf ops flagged with a reason, stderr lists them, --strict exits 1"
}

sum_sim_cycles() { grep '"sim_cycles"' "$1" | tr -d ' ,' | cut -d: -f2 | awk '{ s += $1 } END { printf "%.0f", s }'; }

check_design_point() {
    printf '{"rmmec_unit": 8}\n' > "$dir/dp_bad.json"
    rc=0; "$lpcs" run "$llama" -n 2 --backend sim --design-point "$dir/dp_bad.json" > /dev/null 2> "$dir/dp_bad.err" || rc=$?
    [ $rc = 2 ] || fail "design-point: a misspelt field gave rc $rc"
    [ "$(wc -l < "$dir/dp_bad.err")" = 1 ] || fail "design-point: more than one error line: $(cat "$dir/dp_bad.err")"
    grep -q "unknown field 'rmmec_unit'.*rmmec_units.*valid fields: id, clock_ghz" "$dir/dp_bad.err" ||
        fail "design-point: unclear error: $(cat "$dir/dp_bad.err")"
    printf '{"id": "small", "rmmec_units": 8, "sram_kib": 64, "plan": "w=fp8e4m3"}\n' > "$dir/dp_small.json"
    printf '{"id": "big", "rmmec_units": 256, "sram_kib": 64}\n' > "$dir/dp_big.json"
    rc=0; "$lpcs" run "$llama" -n 2 --design-point "$dir/dp_small.json" --plan fp32 > /dev/null 2> "$dir/dp_conf.err" || rc=$?
    [ $rc = 2 ] && grep -q "conflicts with the plan" "$dir/dp_conf.err" || fail "design-point: --plan conflict: rc $rc"
    "$lpcs" run "$llama" -n 3 --backend sim --design-point "$dir/dp_small.json" --report "$dir/dp_small.r.json" --quiet >/dev/null
    "$lpcs" run "$llama" -n 3 --backend sim --design-point "$dir/dp_big.json" --report "$dir/dp_big.r.json" --quiet >/dev/null
    grep -q '^ "plan": "w=fp8e4m3"' "$dir/dp_small.r.json" || fail "design-point: the point's plan was not used"
    grep -q '"id": "small"' "$dir/dp_small.r.json" && grep -q '"rmmec_units": 8,' "$dir/dp_small.r.json" ||
        fail "design-point: the report does not record the point"
    grep -q '"plan": "fp32"' "$dir/dp_big.r.json" || fail "design-point: a point without plan does not record the plan in use"
    a=$(sum_sim_cycles "$dir/dp_small.r.json") b=$(sum_sim_cycles "$dir/dp_big.r.json")
    [ "${a:-0}" -gt 0 ] && [ "${b:-0}" -gt 0 ] && [ "$a" != "$b" ] || fail "design-point: sim cycles $a vs $b: point not used"
    "$lpcs" run --print-design-point | grep -q '"dram_gbps"' || fail "design-point: --print-design-point"
    LPCS_DESIGN_POINT="$dir/dp_small.json" "$lpcs" run --print-design-point 2> "$dir/dp_env.err" | grep -q '"id": "small"' &&
        grep -q "deprecated" "$dir/dp_env.err" || fail "design-point: \$LPCS_DESIGN_POINT no longer works or says nothing"
    echo "test-trust: design-point: typo = one clear error; plan honoured, conflict refused; recorded; sim cycles $a (8 RMMEC) vs $b (256)"
}

check_resume() {
    text=$shared/data/tinyshakespeare.txt
    grid() { printf '{"model": "%s", "text": "%s", "max_bytes": 64, "context": 64, "base": {"sram_kib": %s},
        "grid": {"plan": ["w=int4", "fp32"], "rmmec_units": [16]}}\n' "$llama" "$text" "$1" > "$dir/rs.json"; }
    grid 256
    "$lpcs" sweep "$dir/rs.json" -o "$dir/rs.csv" --no-nll --quiet
    [ "$(col "$dir/rs.csv" nll)" = nan ] || fail "resume: --no-nll row has an NLL"
    grid 512   # the same ids, other content
    "$lpcs" sweep "$dir/rs.json" -o "$dir/rs.csv" --no-nll 2> "$dir/rs1.err"
    grep -q "redoing 2 rows: 2 whose point" "$dir/rs1.err" || fail "resume: stale rows kept: $(cat "$dir/rs1.err")"
    [ "$(tail -n +2 "$dir/rs.csv" | wc -l)" = 2 ] && [ "$(col "$dir/rs.csv" sram_kib)" = 512 ] ||
        fail "resume: after a grid change the CSV holds $(tail -n +2 "$dir/rs.csv" | wc -l) rows, sram_kib $(col "$dir/rs.csv" sram_kib)"
    "$lpcs" sweep "$dir/rs.json" -o "$dir/rs.csv" 2> "$dir/rs2.err"   # now with the NLL
    grep -q "2 with nll=nan whose NLL is now known" "$dir/rs2.err" || fail "resume: nan rows not redone: $(cat "$dir/rs2.err")"
    nll=$(col "$dir/rs.csv" nll)
    [ "$nll" != nan ] || fail "resume: nll=nan left in the CSV"
    "$lpcs" sweep "$dir/rs.json" -o "$dir/rs.csv" --no-nll 2> "$dir/rs3.err"
    grep -q " 0 to go" "$dir/rs3.err" && [ "$(col "$dir/rs.csv" nll)" = "$nll" ] || fail "resume: a known NLL was dropped"
    echo "test-trust: resume: changed grid -> 2 stale rows redone; nan rows redone once the NLL is known (nll $nll)"
}

check_check() {
    mmfree=$shared/models/shakespeare-mmfree.safetensors
    "$lpcs" run "$mmfree" --prompt "ROMEO:" -n 3 --backend sim --check --quiet > /dev/null 2> "$dir/ck_ok.err" ||
        fail "check: clean sim run failed: $(cat "$dir/ck_ok.err")"
    k=$(sed -n 's/.*--check: \([0-9]*\) op calls.*matched golden.*/\1/p' "$dir/ck_ok.err")
    [ "${k:-0}" -ge 100 ] || fail "check: only ${k:-0} op calls compared: $(cat "$dir/ck_ok.err")"
    # a corrupted weight tile of the ternary unit (sim/platform) on layer 3
    rc=0; "$lpcs" run "$mmfree" --prompt "ROMEO:" -n 3 --backend sim --check --inject-fault L3.down_proj --quiet \
        > /dev/null 2> "$dir/ck_bl.err" || rc=$?
    [ $rc = 1 ] && grep -q "op L3.down_proj (bitlinear, layer 3) on sim differs from golden (cpu) at token 1 (position 0): xb2\[128\]" \
        "$dir/ck_bl.err" || fail "check: corrupted BitLinear tile: rc $rc, $(cat "$dir/ck_bl.err")"
    # without --check the same fault runs to the end silently (why --check exists)
    "$lpcs" run "$mmfree" --prompt "ROMEO:" -n 3 --backend sim --inject-fault L3.down_proj --quiet > /dev/null 2>&1 ||
        fail "check: the fault alone already fails the run: the check above proves nothing"
    # a corrupted matmul output on the llama model
    rc=0; "$lpcs" run "$llama" -n 3 --backend sim --check --inject-fault L2.w2 --quiet > /dev/null 2> "$dir/ck_mm.err" || rc=$?
    [ $rc = 1 ] && grep -q "op L2.w2 (matmul, layer 2) on sim differs" "$dir/ck_mm.err" ||
        fail "check: corrupted matmul: rc $rc, $(cat "$dir/ck_mm.err")"
    "$lpcs" run "$llama" -n 2 --backend cpu --check --quiet 2>&1 >/dev/null | grep -q "SKIPPED: no op ran outside cpu" ||
        fail "check: a cpu-only run does not say that nothing was compared"
    echo "test-trust: check: $k op calls matched; corrupted BitLinear tile and matmul output caught at the op; cpu-only = SKIPPED"
}

check_rtl_check() {
    mmfree=$shared/models/shakespeare-mmfree.safetensors
    "$lpcs" run "$mmfree" --prompt "RO" -n 2 --place bitlinear=rtl --strict --check --quiet > /dev/null 2> "$dir/rk_ok.err" ||
        fail "rtl-check: clean rtl run failed: $(cat "$dir/rk_ok.err")"
    k=$(sed -n 's/.*--check: \([0-9]*\) op calls.*matched golden.*/\1/p' "$dir/rk_ok.err")
    [ "${k:-0}" -ge 100 ] || fail "rtl-check: only ${k:-0} op calls compared: $(cat "$dir/rk_ok.err")"
    rc=0; "$lpcs" run "$mmfree" --prompt "RO" -n 2 --place bitlinear=rtl --check --inject-fault L2.o_proj --quiet \
        > /dev/null 2> "$dir/rk_bad.err" || rc=$?
    [ $rc = 1 ] && grep -q "op L2.o_proj (bitlinear, layer 2) on rtl differs from golden (cpu) at token 1 (position 0): xb2\[128\]" \
        "$dir/rk_bad.err" && grep -q "row 128 is lane" "$dir/rk_bad.err" ||
        fail "rtl-check: corrupted tile in the rtl path: rc $rc, $(cat "$dir/rk_bad.err")"
    win=$(sed -n 's/.*--vcd-window \([0-9]*:[0-9]*\)).*/\1/p' "$dir/rk_bad.err")
    [ -n "$win" ] || fail "rtl-check: no waveform window in the message"
    rc=0; "$lpcs" run "$mmfree" --prompt "RO" -n 2 --place bitlinear=rtl --check --inject-fault L2.o_proj --quiet \
        --vcd "$dir/rk.vcd" --vcd-window "$win" > /dev/null 2>&1 || rc=$?
    [ $rc = 1 ] || fail "rtl-check: the rerun with --vcd did not fail the same way (rc $rc)"
    a=${win%:*} b=${win#*:}
    # 2 time steps per clock; the 2 reset cycles at power-up (steps 0..3) are always dumped
    awk -v a=$((2 * a)) -v b=$((2 * b + 2)) '/^#[0-9]+$/ { t = substr($0, 2) + 0; if (t < 4) next; n++; if (t < a || t > b) bad++ }
        END { exit !(n >= 2 && !bad) }' "$dir/rk.vcd" ||
        fail "rtl-check: the waveform holds time steps outside cycles $win"
    echo "test-trust: rtl-check: $k op calls matched; corrupted tile caught on rtl (cycles $win); waveform limited to it ($(wc -c < "$dir/rk.vcd") bytes)"
}

check_summary() {
    "$lpcs" run "$llama" -n 4 --backend sim --report "$dir/sm.json" > /dev/null 2> "$dir/sm.err"
    grep -q "^lpcs run: host: [0-9]* tokens in [0-9.]* s = [0-9.]* tokens/s" "$dir/sm.err" || fail "summary: no host line"
    grep -q "^lpcs run: simulated (73 of 73 ops, design point 'default' at 1.00 GHz): [0-9]* cycles/token = [0-9.]* tokens/s, [0-9.]* uJ/token, DRAM [0-9]* B/token = [0-9.]* GB/s, bound by \(DRAM\|compute\) ([0-9]*% of cycles)" \
        "$dir/sm.err" || fail "summary: no simulated line: $(cat "$dir/sm.err")"
    grep -q '"bound_by": "DRAM"' "$dir/sm.json" || fail "summary: the report lacks the simulated summary (fp32 llama is DRAM-bound)"
    "$lpcs" run "$llama" -n 2 --backend cpu 2>&1 >/dev/null | grep -q "simulated" && fail "summary: a cpu run claims simulated numbers"
    "$lpcs" bench "$llama" -n 4 --repeat 1 --warmup 0 --backend sim | grep -q "^lpcs bench: simulated" || fail "summary: bench"
    echo "test-trust: summary: $(grep simulated "$dir/sm.err" | cut -d: -f3-)"
}

check_columns() {
    printf '{"model": "%s", "text": "%s", "max_bytes": 600, "context": 64, "base": {"sram_kib": 256},
      "points": [{"plan": "w=fp8e4m3,kv=bf16"}, {"plan": "w=p8e0,kv=p16e1"}, {"plan": "w=int4", "rmmec_units": 16}]}\n' \
        "$llama" "$shared/data/tinyshakespeare.txt" > "$dir/cols.json"
    "$lpcs" sweep "$dir/cols.json" -o "$dir/cols.csv" --quiet
    python3 - "$dir/cols.csv" <<'PY' || fail "columns: see above"
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 3, len(rows)
hdr = list(rows[0].keys())
unitless = {"id", "index", "mode", "plan", "nll", "nll_ci95", "cycles_per_token", "tokens_per_s", "resident_weight_frac",
            "modelled_only", "model", "text_begin", "text_end", "token_pos", "lpcs_version", "git_hash", "point_key"}
import re
fields = set(hdr[3:hdr.index("nll")])  # design point fields (JSON names of models/README.md)
for c in hdr:
    if c in unitless or c in fields: continue
    assert re.search(r"_(uJ|pJ|B|KiB|mm2|per_mm2)$", c), "column without a unit: " + c
def f(r, c): return float(r[c])
for r in rows:
    e = f(r, "energy_per_token_uJ")
    kind = sum(f(r, c) for c in hdr if c.startswith("energy_kind_"))
    unit = sum(f(r, c) for c in hdr if c.startswith("energy_unit_"))
    assert abs(kind - e) <= 1e-6 * e and abs(unit - e) <= 1e-6 * e, ("breakdowns do not partition", e, kind, unit)
    blocks = sum(f(r, c) for c in hdr if c.startswith("area_") and c not in ("area_mm2", "area_active_mm2", "area_idle_mm2"))
    assert abs(blocks - f(r, "area_mm2")) < 1e-9 and abs(f(r, "area_active_mm2") + f(r, "area_idle_mm2") - f(r, "area_mm2")) < 1e-9
    assert f(r, "nll_slice_B") == 600 and f(r, "nll_ci95") > 0 and not math.isnan(f(r, "nll")), "nll without slice/CI"
assert rows[0]["plan"] == "w=fp8e4m3,kv=bf16", rows[0]["plan"]
assert "rmmec:fp8e4m3" in rows[0]["modelled_only"] and "rmmec:bf16" in rows[0]["modelled_only"], rows[0]["modelled_only"]
assert rows[1]["modelled_only"] == "", rows[1]["modelled_only"]  # posit 8 / 16 on RMMEC: the RTL has them
assert f(rows[2], "area_idle_mm2") > 0, "int4 on the LUT-GEMV banks leaves the ternary engine idle"
print("test-trust: columns: units in every name, both energy breakdowns partition the total, idle area apart,"
      " fp8/bf16 on RMMEC flagged, nll %.4f +- %.4f over %d B" % (f(rows[0], "nll"), f(rows[0], "nll_ci95"), 600))
PY
}

check_grid_paths() {
    mkdir -p "$dir/gp/m" "$dir/gp/grids"
    ln -sf "$llama" "$dir/gp/m/llama.bin"; ln -sf "$shared/models/tok-bytes.bin" "$dir/gp/m/tok-bytes.bin"
    printf '{"model": "../m/llama.bin", "points": [{}]}\n' > "$dir/gp/grids/g.json"
    abs=$(cd "$dir/gp" && pwd)
    (cd / && "$lpcs" sweep "$abs/grids/g.json" -o "$abs/out.csv" --no-nll --quiet) 2> "$dir/gp.err" ||
        fail "grid-paths: a path relative to the grid's folder: $(cat "$dir/gp.err")"
    printf '{"model": "../m/nope.bin", "points": [{}]}\n' > "$dir/gp/grids/bad.json"
    rc=0; "$lpcs" sweep "$dir/gp/grids/bad.json" -o "$dir/gp/bad.csv" --no-nll 2> "$dir/gp_bad.err" || rc=$?
    [ $rc = 1 ] && grep -q 'model "../m/nope.bin" not found (relative to the grid.s folder); tried .*gp/grids/../m/nope.bin' \
        "$dir/gp_bad.err" || fail "grid-paths: error does not say what it tried: $(cat "$dir/gp_bad.err")"
    echo "test-trust: grid-paths: resolved against the grid's folder from cwd /; missing file names what was tried"
}

check_plots() {
    printf '{"model": "%s", "text": "%s", "max_bytes": 256, "context": 64, "base": {"sram_kib": 256},
      "grid": {"plan": ["w=int4", "w=p8e0,kv=bf16"], "rmmec_units": [16, 64], "pim_banks": [8, 32]}}\n' \
        "$llama" "$shared/data/tinyshakespeare.txt" > "$dir/pl.json"
    "$lpcs" sweep "$dir/pl.json" -o "$dir/pl.csv" --plot --quiet 2> "$dir/pl.err" || fail "plots: $(cat "$dir/pl.err")"
    for f in pareto.png pareto.svg roofline.png roofline.svg front.csv; do
        [ -s "$dir/pl.$f" ] || fail "plots: no $f"
    done
    head -1 "$dir/pl.front.csv" | grep -q "tokens_per_s" || fail "plots: the front has no throughput objective"
    nf=$(tail -n +2 "$dir/pl.front.csv" | grep -c '"p0[0-9]* w=[^"]* R[0-9]* T[0-9]* P[0-9]* S[0-9]*"' || true)
    [ "$nf" -ge 2 ] || fail "plots: front points are not labelled with plan and hardware"
    grep -q "front (NLL, tokens/s/mm" "$dir/pl.pareto.svg" || fail "plots: the pareto plot has no throughput front"
    nr=$(wc -l < "$dir/pl.roofline.dat")
    [ "$nr" -ge 50 ] && grep -q "DRAM roof" "$dir/pl.roofline.svg" || fail "plots: roofline has $nr ops"
    if make -C "${LPCS_ROOT:-.}" -n dse 2>/dev/null | grep -v "dse-publish" | grep -q "docs/dse"; then
        fail "plots: make dse writes into docs/dse/"
    fi
    echo "test-trust: plots: pareto (NLL vs tokens/s/mm^2, $nf labelled front points), $nr-op roofline, make dse stays in build/"
}

check_cosim() {
    "$lpcs" cosim ternary --cases 20 > "$dir/cs.out" 2> "$dir/cs.err" || fail "cosim: ternary failed: $(tail -3 "$dir/cs.err")"
    grep -q "lpcs cosim ternary: PASS" "$dir/cs.out" || fail "cosim: no PASS line"
    mkdir -p "$dir/cs_vcd"
    "$lpcs" cosim ternary --fault --vcd-dir "$dir/cs_vcd" > "$dir/csf.out" 2> "$dir/csf.err" ||
        fail "cosim: the planted fault was not caught: $(cat "$dir/csf.out")"
    grep -q "planted fault caught: MISMATCH .* (lane [0-9]*, engine cycle [0-9]* " "$dir/csf.out" ||
        fail "cosim: the first mismatch does not name lane and cycle: $(cat "$dir/csf.out")"
    rc=0; "$lpcs" cosim tpu > /dev/null 2> "$dir/csu.err" || rc=$?
    [ $rc = 2 ] && grep -q "unknown unit 'tpu' (ternary, ternary-aq, rmmec, pim" "$dir/csu.err" || fail "cosim: bad unit rc $rc"
    echo "test-trust: cosim: ternary PASS; --fault caught: $(sed 's/.*caught: //' "$dir/csf.out" | cut -c1-110)"
}

n=0
for c in $checks; do
    "check_$(echo "$c" | tr - _)"
    n=$((n + 1))
done
[ "$n" -ge 1 ] || fail "no check ran"
echo "test-trust: $n checks passed"
