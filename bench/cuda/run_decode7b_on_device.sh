#!/usr/bin/env bash
# Issue 14 (7B decode at the roofline; sessions 5-7) on a GPU machine, in one call:
#   OUT=... SHARED=... STEPS="checks inject resident bench7b ncu ncu8 ring gemv" \
#     bench/cuda/run_decode7b_on_device.sh BINDIR
# BINDIR: stripped test_llm, test_resident (bench_gemv for "gemv", bench_ring for "ring") of the
# cuda build plus lib/ (libjansson, libsystemc). SHARED: models/ and data/.
# Steps (default all):
#   checks   test_llm: engine vs its serial host oracle, bit for bit (fp32 GEMM /
#            GEMV / decode, bf16, packed int4 and ternary: batch, decode with and
#            without the folded RMSNorm and the CUDA graph)
#   inject   test_llm --inject: one weight +1 ulp and one packed code one step on
#            the device; every check that reads them must FAIL
#   resident test_resident on the plans fp32, bf16, w=int4, w=ternary (cuda = cpu
#            through the runtime, decode of the packed plans, device fault)
#   plans    lpcs ppl --backend cuda over the full validation split for fp32, bf16,
#            w=int4,a=int8 and w=ternary vs the cpu digits in bench/cuda/plan_ref.txt
#            (BINDIR/lpcs needed)
#   bench7b  test_llm --bench7b: Llama-2-7B shapes, bf16 / int4 / ternary decode at
#            batch 1, 8, 64 vs the roofline (read-only and copy bandwidth)
#   ncu      Nsight Compute on the one-row GEMVs of the 7B decode (the copy ring gemv1_pipe_k by default)
#   ncu8     Nsight Compute on the copy ring with 8 rows of x (7B bf16 decode at batch 8)
#   ring     bench_ring: the copy ring's bandwidth probe (same bytes: engine pattern / contiguous, with and
#            without the bf16 work, vs plain 16-byte loads)
#   gemv     bench_gemv (ternary / int4 / LUT GEMV kernels vs cuBLAS)
set -u
cd "$(dirname "$0")/../.." || exit 1
OUT=${OUT:-build/cuda/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SHARED=${SHARED:-shared}
BIN=${1:?BINDIR}
STEPS=${STEPS:-checks inject resident plans bench7b ncu ncu8 ring gemv}
has() { case " $STEPS " in *" $1 "*) return 0 ;; esac; return 1; }
export LD_LIBRARY_PATH="$(cd "$BIN" && pwd)/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LPCS_SHARED=$SHARED
exec > >(tee "$OUT/run_decode7b.log") 2>&1
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
stamp machine
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,clocks.max.memory --format=csv 2>&1 || true
if has checks; then
  stamp "test_llm: engine vs host oracle (bit for bit)"
  timeout 240 "$BIN/test_llm" >"$OUT/test_llm.txt" 2>&1; echo "test_llm rc=$?"
  grep -E '^(PASS|FAIL)|cuda llm tests' "$OUT/test_llm.txt"
fi
if has inject; then
  stamp "test_llm --inject (the checks reading the corrupted weight / code must FAIL)"
  timeout 240 "$BIN/test_llm" --inject >"$OUT/inject.txt" 2>&1; echo "inject rc=$? (must be non-zero)"
  grep -E '^(PASS|FAIL)|cuda llm tests' "$OUT/inject.txt"
fi
if has resident; then
  stamp "test_resident (cuda = cpu through the runtime) on fp32, bf16, w=int4, w=ternary"
  for p in ${RESIDENT_PLANS:-fp32 bf16 w=int4 w=ternary}; do
    LPCS_RESIDENT_ONLY=$p timeout 200 "$BIN/test_resident" >"$OUT/resident_$p.txt" 2>&1; echo "resident $p rc=$?"
    grep -E '^(PASS|FAIL)|cuda resident' "$OUT/resident_$p.txt"
  done
fi
if has plans && [ -x "$BIN/lpcs" ]; then
  # full validation split through lpcs ppl --backend cuda vs the cpu digits (bench/cuda/plan_ref.txt):
  # the plans that now run with packed weights (w=ternary; w=int4 with a=int8) and fp32 / bf16
  REF=${PLAN_REF:-bench/cuda/plan_ref.txt}
  stamp "lpcs ppl --backend cuda vs the cpu digits ($REF)"
  grep -E '^llama\|(fp32|bf16|w=int4,a=int8|w=ternary)\|' "$REF" | grep -v device-cpu | while IFS='|' read -r mod plan ex want _; do
    got=$(timeout 120 "$BIN/lpcs" ppl "$SHARED/models/shakespeare-llama.bin" "$SHARED/data/tinyshakespeare.txt" --split val \
          --backend cuda --plan "$plan" --exec "$ex" 2>"$OUT/plan_err.txt" | grep -oE 'nll=[0-9.]+' | tail -1)
    wd=$(echo "$want" | grep -oE 'nll=[0-9.]+')
    [ -n "$wd" ] && [ "$wd" = "$got" ] && r=PASS || r=FAIL
    echo "$r llama '$plan' exec=$ex: cuda $got, cpu $wd | $(grep -iE 'cuda|fallback|seconds|rror' "$OUT/plan_err.txt" | tr '\n' ' ' | cut -c1-200)"
  done
fi
if has bench7b; then
  stamp "7B decode (bf16, int4, ternary)"
  BENCH7B_NO_FP32=1 timeout 400 "$BIN/test_llm" --no-checks --bench7b --csv "$OUT/bench7b.csv" 2>&1 | tee "$OUT/bench7b.txt" | grep -vE '^(PASS|FAIL)'
fi
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
if has ncu && [ -n "$NCU" ]; then
  stamp "Nsight Compute: one-row GEMVs of the 7B decode"
  S="--section SpeedOfLight --section MemoryWorkloadAnalysis --section Occupancy --section LaunchStats --section ComputeWorkloadAnalysis"
  for f in ${NCU_FMTS:-bf16 int4 ternary}; do
    BENCH7B_FMT=$f BENCH7B_B1=1 timeout ${NCU_TIMEOUT:-120} "$NCU" $S -k regex:'gemv1_pipe_k|gemv1_xs_k|gemv1q_k|rmsnorm_k' --launch-skip 300 \
      --launch-count 8 "$BIN/test_llm" --no-checks --bench7b >"$OUT/ncu_gemv1_$f.txt" 2>&1
  done
  grep -E 'gemv1_pipe_k|gemv1_xs_k|gemv1q_k|rmsnorm_k|Duration|DRAM Throughput|Memory Throughput|Compute \(SM\) Throughput|Achieved Occupancy|Registers Per|Issue Slots Busy|Executed Ipc' "$OUT"/ncu_gemv1_*.txt | cut -c1-160
fi
if has ncu8 && [ -n "$NCU" ]; then
  stamp "Nsight Compute: the copy ring with 8 rows of x (bf16, batch 8)"
  S="--section SpeedOfLight --section MemoryWorkloadAnalysis --section Occupancy --section LaunchStats --section WarpStateStats"
  BENCH7B_ONLYB=8 BENCH7B_FMT=bf16 BENCH7B_NO_FP32=1 timeout ${NCU_TIMEOUT:-120} "$NCU" $S -k regex:'gemv1_pipe_k' \
    --launch-skip 400 --launch-count 4 "$BIN/test_llm" --no-checks --bench7b >"$OUT/ncu_b8_bf16.txt" 2>&1
  grep -E '  void gemv1|Duration|DRAM Throughput|Achieved Occupancy|Issue Slots Busy|Registers Per|Grid Size' "$OUT/ncu_b8_bf16.txt" | cut -c1-160
fi
if has ring && [ -x "$BIN/bench_ring" ]; then
  stamp "bench_ring"
  timeout 120 "$BIN/bench_ring" >"$OUT/bench_ring.csv" 2>&1; echo "bench_ring rc=$?"
  cat "$OUT/bench_ring.csv"
fi
if has gemv && [ -x "$BIN/bench_gemv" ]; then
  stamp "bench_gemv"
  timeout 200 "$BIN/bench_gemv" --out "$OUT" >"$OUT/bench_gemv_stdout.txt" 2>&1; echo "bench_gemv rc=$?"
  grep -vE '^\|' "$OUT/bench_gemv_stdout.txt" | tail -8
fi
stamp done
