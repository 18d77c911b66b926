#!/bin/sh
# rtl = cpu through the CLI, from the run report: `lpcs ppl --backend rtl`
# on a 16-byte window (BOS + 15 bytes = 16 tokens, every layer) must print
# the cpu backend's nll= line, and its report must put every matmul /
# BitLinear on rtl, on the planned unit and mode, without fallback (only the
# vector ops fall back to cpu). Cases: RMMEC P4 and FP4 (the fastest modes),
# shift-MAC, ternary, PIM LUT-GEMV bank (llama w=int4,a=int8).
# With `long` (make test-long) also RMMEC P8 and P16, w=ternary,a=int8 and
# w=int8,a=int4 on the PIM bank, those two PIM plans again with
# --inject-fault OP (the bank gets OP's weights with 8 codes of one row moved
# by one step): the nll must change.
# usage: tests/rtl_exact_report.sh LPCS_RTL SHARED OUTDIR [long]
set -eu
lpcs=$1 shared=$2 out=$3 long=${4:-}
mkdir -p "$out"
text=$shared/data/tinyshakespeare.txt
llama=$shared/models/shakespeare-llama.bin mmfree=$shared/models/shakespeare-mmfree.safetensors
n=0
check() { # name model plan unit mode [fault op]
    name=$1 model=$2 plan=$3 unit=$4 mode=$5 fop=${6:-}
    set -- "$model" "$text" --split val --max-bytes 16
    [ "$plan" = - ] || set -- "$@" --plan "$plan"
    want=$("$lpcs" ppl "$@" --backend cpu 2>/dev/null | tail -1)
    got=$("$lpcs" ppl "$@" --backend rtl --report "$out/$name.json" 2>"$out/$name.log" | tail -1)
    if [ "$want" != "$got" ]; then
        echo "rtl-exact-report $name: rtl '$got' != cpu '$want'"; exit 1
    fi
    python3 - "$out/$name.json" "$unit" "$mode" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1])); unit, mode = sys.argv[2], sys.argv[3]
ops = [o for o in r["ops"] if o["type"] in ("matmul", "bitlinear")]
bad = [o["name"] for o in ops if (o["unit"], o["mode"], o["backend"], o.get("fallback")) != (unit, mode, "rtl", False)]
vec_fb = [o for o in r["ops"] if o.get("fallback")]
if r["tokens"] != 16 or len(ops) < 30 or bad or any(o["unit"] != "vector" for o in vec_fb) or r["exec"] != "exact":
    sys.exit(f"{sys.argv[1]}: tokens {r['tokens']}, {len(ops)} unit ops, not on rtl/{unit}/{mode}: {bad[:5]}")
cyc = sum(o.get("sim_cycles", 0) for o in ops)
print(f"  {len(ops)} {unit}/{mode} ops on rtl, {cyc:.0f} simulated cycles, {len(vec_fb)} vector ops on cpu")
PY
    echo "rtl-exact-report $name: $got on rtl = cpu"
    if [ -n "$fop" ]; then
        bad=$("$lpcs" ppl "$@" --backend rtl --inject-fault "$fop" 2>"$out/$name-fault.log" | tail -1)
        case "$bad" in nll=*) ;; *) echo "rtl-exact-report $name: no nll line with --inject-fault $fop"; exit 1;; esac
        if [ "$bad" = "$got" ]; then
            echo "rtl-exact-report $name: a fault in $fop's weights inside the unit did NOT change $got"; exit 1
        fi
        echo "rtl-exact-report $name: fault in $fop: $bad"
    fi
    n=$((n + 1))
}
check p4 "$llama" w=p4e1,a=p4e1 rmmec p4
check fp4 "$llama" w=fp4e2m1,a=fp4e2m1 rmmec fp4
check shiftmac "$llama" w=shiftmac shiftmac exact
check ternary "$mmfree" - ternary exact
check lut-int4 "$llama" w=int4,a=int8 lutgemv w4-a8-g4
want=5
if [ "$long" = long ]; then
    check p8 "$llama" w=p8e0 rmmec p8
    check p16 "$llama" w=p16e1,a=p16e1 rmmec p16
    check lut-ternary "$llama" w=ternary,a=int8 lutgemv t2-a8-g4 L2.w1
    check lut-w8a4 "$llama" w=int8,a=int4 lutgemv w8-a4-g4 L0.wq
    want=9
fi
[ $n -eq $want ] || { echo "rtl-exact-report: $n of $want cases ran"; exit 1; }
