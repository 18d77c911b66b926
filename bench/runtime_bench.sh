#!/usr/bin/env bash
# lpcs bench vs Karpathy's llama2.c run.c on shakespeare-llama (fp32, one
# thread, greedy, 256 tokens from BOS). Usage: runtime_bench.sh BUILD MODELS [RUNC_DIR]
# RUNC_DIR: a checkout of github.com/karpathy/llama2.c; run.c is built from
# it into BUILD/ext with its Makefile's `make run` flags (gcc -O3), never committed.
# Two measures per round, alternating the programs: wall-clock tok/s as each
# program reports it, and tokens per CPU-second (user+sys of the whole
# process, model loading included, 1024 tokens each) which is steadier on a
# shared machine.
set -eu
build=$1; models=$2; runc_dir=${3:-}
model=$models/shakespeare-llama.bin
pin=""; command -v taskset >/dev/null && pin="taskset -c 0"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
cpu_s() { /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'; }
if [ -n "$runc_dir" ] && [ ! -x "$build/ext/run" ]; then
  mkdir -p "$build/ext" && gcc -O3 -o "$build/ext/run" "$runc_dir/run.c" -lm
fi
for i in 1 2 3; do
  t=$($pin "$build/lpcs" bench "$model" --backend cpu --repeat 3 | awk '/^tokens\/s:/ {print $2}')
  c=$(cpu_s $pin "$build/lpcs" bench "$model" --backend cpu --repeat 4 --warmup 0)
  echo "lpcs  round $i: $t tok/s wall, $(awk -v c="$c" 'BEGIN {printf "%.1f", 1024 / c}') tok/CPU-s"
  if [ -n "$runc_dir" ]; then
    r=$($pin "$build/ext/run" "$model" -z "$models/tok-bytes.bin" -t 0 -n 256 -i "" 2>&1 >/dev/null | awk '/achieved tok\/s/ {print $3}')
    rc=0
    for k in 1 2 3 4; do
      rc=$(awk -v a="$rc" -v b="$(cpu_s $pin "$build/ext/run" "$model" -z "$models/tok-bytes.bin" -t 0 -n 256 -i "")" 'BEGIN {print a + b}')
    done
    echo "run.c round $i: $r tok/s wall, $(awk -v c="$rc" 'BEGIN {printf "%.1f", 1024 / c}') tok/CPU-s"
    echo "ratio round $i: wall $(awk -v a="$t" -v b="$r" 'BEGIN {printf "%.2f", a / b}'), CPU $(awk -v a="$c" -v b="$rc" 'BEGIN {printf "%.2f", b / a}')"
  fi
done
