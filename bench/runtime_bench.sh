#!/usr/bin/env bash
# lpcs bench vs Karpathy's llama2.c run.c on shakespeare-llama (fp32, one
# thread, greedy, 256 tokens from BOS). Usage: runtime_bench.sh BUILD MODELS [RUNC_DIR]
# RUNC_DIR: a checkout of github.com/karpathy/llama2.c; run.c is built from
# it into BUILD/ext with its Makefile's `make run` flags (gcc -O3), never committed.
# Per round, alternating the programs: wall-clock tok/s as each program
# reports it, and tokens per CPU-second (steadier on a shared machine):
# lpcs measures its decode loop's process CPU time; run.c's is user+sys of
# 4 whole runs of 256 tokens (its loading is an mmap: negligible).
set -eu
build=$1; models=$2; runc_dir=${3:-}
model=$models/shakespeare-llama.bin
pin=""; command -v taskset >/dev/null && pin="taskset -c 0"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
if [ -n "$runc_dir" ] && [ ! -x "$build/ext/run" ]; then
  mkdir -p "$build/ext" && gcc -O3 -o "$build/ext/run" "$runc_dir/run.c" -lm
fi
lp() { $pin "$build/lpcs" bench "$model" --backend cpu --repeat 4 "$@"; }
for i in $(seq 1 "${ROUNDS:-3}"); do
  out=$(lp); w=$(echo "$out" | awk '/^tokens\/s:/ {print $2}'); c=$(echo "$out" | awk '/^tokens per CPU-second:/ {print $4}')
  cb=$(lp --plan bf16 | awk '/^tokens per CPU-second:/ {print $4}')
  echo "round $i: lpcs fp32 $w tok/s wall, $c tok/CPU-s; lpcs --plan bf16 $cb tok/CPU-s"
  if [ -n "$runc_dir" ]; then
    r=$($pin "$build/ext/run" "$model" -z "$models/tok-bytes.bin" -t 0 -n 256 -i "" 2>&1 >/dev/null | awk '/achieved tok\/s/ {print $3}')
    rc=0
    for k in 1 2 3 4; do
      /usr/bin/time -o "$build/ext/time.txt" -f "%U %S" $pin "$build/ext/run" "$model" -z "$models/tok-bytes.bin" -t 0 -n 256 -i "" >/dev/null 2>&1
      s=$(tail -1 "$build/ext/time.txt" | awk '{print $1 + $2}')
      rc=$(awk -v a="$rc" -v b="$s" 'BEGIN {print a + b}')
    done
    rcs=$(awk -v c="$rc" 'BEGIN {printf "%.1f", 1024 / c}')
    echo "round $i: run.c $r tok/s wall, $rcs tok/CPU-s"
    echo "round $i: ratio lpcs/run.c: wall $(awk -v a="$w" -v b="$r" 'BEGIN {printf "%.2f", a / b}'), CPU $(awk -v a="$c" -v b="$rcs" 'BEGIN {printf "%.2f", a / b}'), bf16 plan CPU $(awk -v a="$cb" -v b="$rcs" 'BEGIN {printf "%.2f", a / b}')"
  fi
done
