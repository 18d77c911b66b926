#!/usr/bin/env bash
# Exact-unit plans on the device-resident engine and the low-bit GEMV / LUT
# benchmark, in one call on the GPU machine (from the repo root):
#   bench/cuda/run_exact_on_device.sh BINDIR SHARED
# BINDIR: prebuilt lpcs (the cuda build, `make lpcs-cuda`), test_resident,
# bench_gemv, and lib/ with the shared libraries lpcs needs (libjansson,
# libsystemc) where the GPU machine lacks them. SHARED: models/ and data/.
# Logs and tables go to $OUT (default build/cuda/out).
#   1. the cpu backend's full-split NLL of each plan, in the background on the
#      machine's cores (CPU_REF=0 skips it: digits from elsewhere);
#   2. test_resident, exact plans only: cuda = cpu logits bit for bit, the
#      plan's matmuls on their unit, and a device weight fault that must fail;
#   3. `lpcs ppl --split val --backend cuda` per plan with --report: the NLL
#      against the cpu digits of bench/cuda/plan_ref_exact.txt, and every op
#      on cuda with every matmul on its planned unit (check_report.py);
#   4. bench_gemv (BENCH=0 skips), then Nsight Compute on the LUT mma path and
#      the ternary / int4 kernels at the largest shape (PROFILE=1).
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${1:?BINDIR}
SHARED=${2:?SHARED}
OUT=${OUT:-build/cuda/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
BIN=$(cd "$BIN" && pwd)
exec > >(tee "$OUT/run_exact.log") 2>&1
export LD_LIBRARY_PATH="$BIN/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
t0=$(date +%s)
stamp() { echo "[$(($(date +%s) - t0))s] $*"; }
stamp machine
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 || true
echo "cpus: $(nproc)"
M=$SHARED/models/shakespeare-llama.bin
TXT=$SHARED/data/tinyshakespeare.txt
PLANS=${PLANS:-"w=shiftmac w=int8,a=int4 w=int4,a=int8 w=ternary,a=int8"}
SLOW_PLANS=${SLOW_PLANS:-"w=p8e0,a=p8e0 w=p16e1,a=p16e1"} # exact RMMEC: one serial quire chain per output, last
CPU_PLANS=${CPU_PLANS:-"w=shiftmac w=int8,a=int4"}
if [ "${CPU_REF:-1}" != 0 ]; then
  stamp "cpu reference NLLs in the background ($CPU_PLANS)"
  for p in $CPU_PLANS; do
    (timeout "${CPU_REF_S:-200}" "$BIN/lpcs" ppl "$M" "$TXT" --split val --backend cpu --threads 7 --plan "$p" --exec exact \
      2>/dev/null | grep nll= | sed "s/^/cpu $p: /" >"$OUT/cpu_$(echo "$p" | tr ',=' '__').txt") &
    cpu_pids="${cpu_pids:-} $!"
  done
fi
stamp "test_resident: exact plans (cuda = cpu, unit placement, device fault)"
LPCS_SHARED=$SHARED LPCS_RESIDENT_ONLY=exact: timeout 240 "$BIN/test_resident" >"$OUT/test_resident.txt" 2>&1
echo "test_resident rc=$?"
grep -E '^(PASS|FAIL|SKIP|cuda)' "$OUT/test_resident.txt"
ppl_cuda() { # plan: the full split through the engine, the report checked
  f=$(echo "$1" | tr ',=' '__')
  got=$(timeout "${PPL_S:-100}" "$BIN/lpcs" ppl "$M" "$TXT" --split val --backend cuda --plan "$1" --exec exact \
    --report "$OUT/report_$f.json" 2>"$OUT/err_$f.txt" | grep nll= | tail -1)
  chk=$(python3 bench/cuda/check_report.py "$OUT/report_$f.json" "$1" 2>&1)
  want=$(grep -F "$1|" bench/cuda/plan_ref_exact.txt | head -1 | cut -d'|' -f2)
  g=$(echo "$got" | grep -oE 'nll=[0-9.]+')
  r=NOREF; [ -n "$want" ] && { [ "$g" = "$want" ] && r=PASS || r=FAIL; }
  echo "$r cuda $1: $got (cpu $want) | $chk | $(grep -E 'engine|seconds|rror' "$OUT/err_$f.txt" | tr '\n' ' ' | cut -c1-200)"
}
stamp "full split through the cuda engine, with the report (LUT-GEMV and shift-MAC plans)"
for p in $PLANS; do ppl_cuda "$p"; done
if [ "${BENCH:-1}" != 0 ]; then
  stamp "bench_gemv (ternary / int4 / LUT tables + mma vs cuBLAS, up to 28672x8192)"
  timeout 300 "$BIN/bench_gemv" --out "$OUT" >"$OUT/bench_gemv_stdout.txt" 2>&1
  echo "bench_gemv rc=$?"
  grep -E 'device|measured|FAILURE|Bit-exact' "$OUT/bench_gemv_stdout.txt" | cut -c1-300
fi
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
if [ "${PROFILE:-0}" != 0 ] && [ -n "$NCU" ]; then
  stamp "Nsight Compute: LUT mma + tables at batch 16 (11008x4096), ternary / int4 at batch 1 (28672x8192)"
  S="--section SpeedOfLight --section MemoryWorkloadAnalysis --section Occupancy --section LaunchStats"
  # launch counts of bench_gemv's order (see its loops): the first LUT4 launch
  # of each path at batch 16, and the default ternary then int4 kernels at batch 1
  timeout 90 "$NCU" $S -k regex:lut_mma_kernel --launch-skip 514 --launch-count 1 \
    "$BIN/bench_gemv" --only 11008x4096 --no-cpu-check --reps 2 --out "$OUT/ncu_tmp" >"$OUT/ncu_lut_mma.txt" 2>&1
  timeout 90 "$NCU" $S -k regex:lut_gemm_kernel --launch-skip 316 --launch-count 1 \
    "$BIN/bench_gemv" --only 11008x4096 --no-cpu-check --reps 2 --out "$OUT/ncu_tmp" >"$OUT/ncu_lut_tables.txt" 2>&1
  timeout 120 "$NCU" $S -k regex:lpcs_mma_gemm_kernel --launch-skip 326 --launch-count 10 \
    "$BIN/bench_gemv" --only 28672x8192 --no-cpu-check --reps 2 --out "$OUT/ncu_tmp" >"$OUT/ncu_gemv.txt" 2>&1
  rm -rf "$OUT/ncu_tmp"
  grep -E 'lut_mma_kernel|lut_gemm_kernel|lpcs_mma_gemm_kernel|Duration|DRAM Throughput|Memory Throughput|Compute \(SM\) Throughput|Achieved Occupancy|Registers Per' \
    "$OUT"/ncu_*.txt | cut -c1-170
fi
stamp "full split through the cuda engine, with the report (exact RMMEC plans)"
for p in $SLOW_PLANS; do ppl_cuda "$p"; done
if [ "${CPU_REF:-1}" != 0 ]; then
  stamp "waiting for the cpu references"
  wait ${cpu_pids:-}
  cat "$OUT"/cpu_*.txt
fi
stamp done
