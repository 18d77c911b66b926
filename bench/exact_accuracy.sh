#!/usr/bin/env bash
# Exact vs fake NLL of every unit plan on both reference models
# (docs/accuracy.md, "Exact execution"). Markdown rows on stdout.
# Usage: bench/exact_accuracy.sh BUILD SHARED [MAX_BYTES] [THREADS]
# MAX_BYTES: validation bytes from the split start (0 = the whole split).
set -u
build=$1; shared=$2; max=${3:-4096}; threads=${4:-2}
text=$shared/data/tinyshakespeare.txt
llama=$shared/models/shakespeare-llama.bin
mmfree=$shared/models/shakespeare-mmfree.safetensors
lim=""; [ "$max" != 0 ] && lim="--max-bytes $max"
nll() { # MODEL PLAN EXEC -> value or the error
  local out
  out=$("$build/lpcs" ppl "$1" "$text" --split val $lim --threads "$threads" --backend cpu --quiet \
        --plan "$2" --exec "$3" 2>&1 | tail -1)
  case "$out" in nll=*) echo "$out" | sed 's/nll=\([0-9.]*\).*/\1/';; *) echo "error: $out";; esac
}
echo "<!-- $(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg), bytes=${max} (0 = full split), threads=$threads -->"
echo "| plan | unit (mode) | llama exact | llama fake | exact - fake | mmfree exact | mmfree fake |"
echo "|---|---|---|---|---|---|---|"
# PLANS (env): the unit plans to run (default: all below); NO_FP32=1 leaves out the fp32 row
[ "${NO_FP32:-0}" = 1 ] || echo "| fp32 | vector (fp32) | $(nll "$llama" fp32 exact) | = | 0 | $(nll "$mmfree" fp32 exact) | = |"
for p in ${PLANS:-w=p8e0 w=p8e0,a=p8e0 w=p16e1,a=p16e1 w=p4e1,a=p4e1 w=fp4e2m1,a=fp4e2m1 \
         w=int8,a=int8 w=int4,a=int8 w=int8,a=int4 w=ternary,a=int8}; do
  case "$p" in
    *p8e0*) u="rmmec (p8)";; *p16e1*) u="rmmec (p16)";; *p4e1*) u="rmmec (p4)";; *fp4e2m1*) u="rmmec (fp4)";;
    w=int8,a=int8) u="lutgemv (w8-a8-g4)";; w=int4,a=int8) u="lutgemv (w4-a8-g4)";;
    w=int8,a=int4) u="lutgemv (w8-a4-g4)";; *) u="lutgemv (t2-a8-g4)";;
  esac
  le=$(nll "$llama" "$p" exact); lf=$(nll "$llama" "$p" fake)
  me=$(nll "$mmfree" "$p" exact)
  # mmfree's matmuls are BitLinear (ternary unit in both modes): no op maps
  # differently, so fake = exact; checked on one window here, computed in full with FULL_FAKE=1
  if [ "${FULL_FAKE:-0}" = 1 ]; then mf=$(nll "$mmfree" "$p" fake); else
    a=$(max=256 lim="--max-bytes 256" nll "$mmfree" "$p" exact); b=$(max=256 lim="--max-bytes 256" nll "$mmfree" "$p" fake)
    if [ "$a" = "$b" ]; then mf="= exact"; else mf="differs on 256 B ($a vs $b)"; fi
  fi
  d=$(awk -v a="$le" -v b="$lf" 'BEGIN { printf "%.3g", a - b }')
  echo "| \`$p\` | $u | $le | $lf | $d | $me | $mf |"
done
