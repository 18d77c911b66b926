#!/usr/bin/env bash
# lpcs bench vs Karpathy's llama2.c run.c on shakespeare-llama (fp32, one
# thread, greedy, 256 tokens from BOS). Usage: runtime_bench.sh BUILD MODELS [RUNC_DIR]
# RUNC_DIR: a checkout of github.com/karpathy/llama2.c; run.c is built from
# it into BUILD/ext with its own Makefile's flags (gcc -O3), never committed.
set -eu
build=$1; models=$2; runc_dir=${3:-}
model=$models/shakespeare-llama.bin
pin=""; command -v taskset >/dev/null && pin="taskset -c 0"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(date -u +%Y-%m-%dT%H:%MZ)"
best_lpcs=0; best_runc=0
for i in 1 2 3; do
  t=$($pin "$build/lpcs" bench "$model" --backend cpu --repeat 3 | awk '/^tokens\/s:/ {print $2}')
  echo "lpcs bench round $i: $t tok/s"
  best_lpcs=$(awk -v a="$best_lpcs" -v b="$t" 'BEGIN {print (b > a) ? b : a}')
  if [ -n "$runc_dir" ]; then
    if [ ! -x "$build/ext/run" ]; then
      mkdir -p "$build/ext" && gcc -O3 -o "$build/ext/run" "$runc_dir/run.c" -lm
    fi
    r=$($pin "$build/ext/run" "$model" -z "$models/tok-bytes.bin" -t 0 -n 256 -i "" 2>&1 >/dev/null | awk '/achieved tok\/s/ {print $3}')
    echo "run.c round $i: $r tok/s"
    best_runc=$(awk -v a="$best_runc" -v b="$r" 'BEGIN {print (b > a) ? b : a}')
  fi
done
echo "lpcs best: $best_lpcs tok/s"
if [ -n "$runc_dir" ]; then
  echo "run.c best: $best_runc tok/s"
  awk -v a="$best_lpcs" -v b="$best_runc" 'BEGIN {printf "ratio lpcs/run.c: %.2f\n", a / b}'
fi
