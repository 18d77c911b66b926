#!/usr/bin/env bash
# Everything the CUDA part of lpcs needs on a GPU machine, in one call.
# Run from the repository root:   bench/cuda/run_on_device.sh
# Builds libgolden.a and the CUDA binaries (needs gcc, make, nvcc; not
# libcmocka/libjansson), runs the host-side and device bit-exactness tests, a
# fault-injection run that must fail, then the GEMV benchmark. Results go to
# $OUT (default build/cuda/out): run_on_device.log, test_*.txt, bench_gemv.{md,csv,json},
# summary.txt. Designed to finish in ~5 minutes on an H100 with 16 cores;
# the per-step caps below add up to 9.5 minutes (the device tool allows 10).
# SWEEP_BUDGET (seconds, default 100) bounds the CPU time of the 2^32
# conversion sweeps; past it they compare a rotating sample and say so.
set -u
cd "$(dirname "$0")/../.." || exit 1
OUT=${OUT:-build/cuda/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
export OUT
exec > >(tee "$OUT/run_on_device.log") 2>&1
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }

NVCC=${NVCC:-}
if [ -z "$NVCC" ]; then
  if command -v nvcc >/dev/null; then NVCC=$(command -v nvcc); else NVCC=/usr/local/cuda/bin/nvcc; fi
fi
JOBS=$(nproc 2>/dev/null || echo 4)
# The shared folder (model checkpoint for the real-weights BitLinear test), if this machine has it.
for d in "${LPCS_SHARED:-}" ../shared shared; do
  if [ -n "$d" ] && [ -f "$d/models/shakespeare-mmfree.safetensors" ]; then export LPCS_SHARED=$(cd "$d" && pwd); break; fi
done
CUDA_HOME=${CUDA_HOME:-$(cd "$(dirname "$NVCC")/.." && pwd)}
export CUDA_HOME LD_LIBRARY_PATH="$CUDA_HOME/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" # libcublas at run time

stamp "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.memory --format=csv 2>&1 || true
echo "cpus: $JOBS"; "$NVCC" --version | tail -2; git log -1 --oneline 2>/dev/null || true
echo "shared folder: ${LPCS_SHARED:-not found (checkpoint test will SKIP)}"

stamp "build (make -j$JOBS build/libgolden.a cuda-kernels)"
if ! timeout 180 make -j"$JOBS" NVCC="$NVCC" CUDA_HOME="$CUDA_HOME" build/libgolden.a cuda-kernels >"$OUT/build.txt" 2>&1; then
  tail -40 "$OUT/build.txt"
  stamp "BUILD FAILED (full log: build.txt)"
  echo "build: FAILED" >"$OUT/summary.txt"
  exit 1
fi
stamp "build ok"

stamp "host-side checks (shared conversion code on the CPU vs golden)"
timeout 30 build/cuda/test_cuda_host >"$OUT/test_cuda_host.txt" 2>&1
rc_host=$?
grep -E '^(FAIL|cuda host)' "$OUT/test_cuda_host.txt"

stamp "benchmark"
timeout 90 build/cuda/bench_gemv --out "$OUT" >"$OUT/bench_stdout.txt" 2>&1
rc_bench=$?
cat "$OUT/bench_stdout.txt"
[ $rc_bench -eq 124 ] && echo "benchmark TIMED OUT after 90 s"

stamp "device bit-exactness tests"
timeout 240 build/cuda/test_cuda --sweep-budget "${SWEEP_BUDGET:-100}" >"$OUT/test_cuda.txt" 2>&1
rc_dev=$?
grep -E '^(FAIL|SKIP|device|cuda tests|PASS sweep)' "$OUT/test_cuda.txt"
[ $rc_dev -eq 124 ] && echo "device tests TIMED OUT after 240 s (partial results in test_cuda.txt)"

stamp "fault injection (one corrupted weight: the GEMV tests must FAIL)"
timeout 30 build/cuda/test_cuda --inject --quick >"$OUT/test_cuda_inject.txt" 2>&1
rc_inj=$?
grep -cE '^FAIL' "$OUT/test_cuda_inject.txt" | sed 's/^/failing cases under injection: /'

{
  echo "host-side checks: $([ $rc_host -eq 0 ] && echo PASS || echo "FAIL (rc=$rc_host)")"
  echo "device tests:     $([ $rc_dev -eq 0 ] && echo PASS || echo "FAIL (rc=$rc_dev)") -- $(grep '^cuda tests' "$OUT/test_cuda.txt" || grep '^SKIP' "$OUT/test_cuda.txt")"
  if grep -q '^SKIP' "$OUT/test_cuda_inject.txt"; then echo "fault injection:  not run (no device)"
  else echo "fault injection:  $([ $rc_inj -ne 0 ] && echo "detected: $(grep -c '^FAIL' "$OUT/test_cuda_inject.txt") cases failed (rc=$rc_inj), as required" || echo "NOT DETECTED (tests cannot fail!)")"; fi
  echo "benchmark:        $([ $rc_bench -eq 0 ] && echo ok || echo "FAIL (rc=$rc_bench)")"
  echo "total time:       $(( $(date +%s) - t0 )) s"
} | tee "$OUT/summary.txt"
[ $rc_host -eq 0 ] && [ $rc_dev -eq 0 ] && [ $rc_inj -ne 0 ] && [ $rc_bench -eq 0 ]
