#!/usr/bin/env bash
# NLL table of quantization plans on both reference models (docs/accuracy.md).
# Usage: bench/runtime_accuracy.sh BUILD SHARED [MAX_BYTES] [THREADS]
# MAX_BYTES: validation bytes evaluated from the split start (0 = whole split).
set -u
build=$1; shared=$2; max=${3:-8192}; threads=${4:-2}
text=$shared/data/tinyshakespeare.txt
llama=$shared/models/shakespeare-llama.bin
mmfree=$shared/models/shakespeare-mmfree.safetensors
lim=""; [ "$max" != 0 ] && lim="--max-bytes $max"
nll() { # MODEL PLAN -> value or the error
  local out
  out=$("$build/lpcs" ppl "$1" "$text" --split val $lim --threads "$threads" --backend cpu --quiet --plan "$2" 2>&1 | tail -1)
  case "$out" in nll=*) echo "$out" | sed 's/nll=\([0-9.]*\).*/\1/' | awk '{printf "%.4f", $1}';; *) echo "error: $out";; esac
}
echo "| format | llama w | llama w+a+kv | mmfree a+kv (+embedding w) |"
echo "|---|---|---|---|"
for f in fp32 bf16 fp8e4m3 mxfp4 nvfp4 p8e0 p16e1 int4 ternary; do
  a=$(nll "$llama" "w=$f")
  if [ "$f" = ternary ]; then b="n/a"; c="n/a"; else
    b=$(nll "$llama" "w=$f,a=$f,kv=$f")
    c=$(nll "$mmfree" "w=$f,a=$f,kv=$f")
  fi
  echo "| $f | $a | $b | $c |"
done
