#!/usr/bin/env bash
# Accuracy proxy for shape-only workload sweeps (issue 16): the NLL of the two
# shipped models (../shared/models) under the weight format a sweep row uses,
# on the first MAX_BYTES bytes of tinyshakespeare's validation split, lpcs ppl
# --backend cpu (default --exec: exact where the format has an exact path,
# docs/exact.md). A 7B model's NLL is NOT this number: it only ranks formats by
# how much a small trained model loses under them (docs/dse/README.md).
# Writes CSV: arch_class,w_fmt,w_bits,model,plan,nll,bytes,source
# (models/nll_proxy_fullsplit.py then replaces the rows that have a
# full-validation-split exact NLL: `make nll-proxy-fullsplit`)
#   arch_class llama -> shakespeare-llama with --plan w=F
#   arch_class ternary (bitnet, mmfree) -> shakespeare-mmfree, fp32 plan (ternary by architecture)
# Usage: models/nll_proxy.sh BUILD SHARED [MAX_BYTES] > models/nll_proxy.csv
set -euo pipefail
build=$1 shared=$2 max=${3:-4096}
text=$shared/data/tinyshakespeare.txt
nll() { # MODEL PLAN -> "nll,bytes"
  "$build/lpcs" ppl "$1" "$text" --split val --max-bytes "$max" --backend cpu --quiet --plan "$2" 2>/dev/null |
    tail -1 | sed -n 's/^nll=\([^ ]*\) bytes=\([0-9]*\).*/\1,\2/p'
}
echo "arch_class,w_fmt,w_bits,model,plan,nll,bytes,source"
src="slice: first $max validation bytes (models/nll_proxy.sh)"
L=$shared/models/shakespeare-llama.bin M=$shared/models/shakespeare-mmfree.safetensors
for row in "int 4 w=int4" "int 8 w=int8" "float 8 w=fp8e4m3" "float 16 w=bf16" "float 32 fp32"; do
  set -- $row
  r=$(nll "$L" "$3"); [ -n "$r" ] || { echo "nll_proxy: lpcs ppl failed for llama $3" >&2; exit 1; }
  echo "llama,$1,$2,shakespeare-llama,$3,$r,$src"
  echo "  llama $3: $r" >&2
done
r=$(nll "$M" fp32); [ -n "$r" ] || { echo "nll_proxy: lpcs ppl failed for mmfree" >&2; exit 1; }
echo "ternary,ternary,2,shakespeare-mmfree,fp32,$r,$src"
