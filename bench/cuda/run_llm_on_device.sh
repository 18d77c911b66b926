#!/usr/bin/env bash
# The device-resident engine on a GPU machine, in one call (from the repo root):
#   bench/cuda/run_llm_on_device.sh [BINDIR]
# BINDIR (optional) holds prebuilt test_llm and lpcs (the cuda build, `make
# lpcs-cuda`) plus lib/ with the shared libraries lpcs needs (libjansson,
# libsystemc) when the GPU machine lacks them; without it, test_llm is built
# here (nvcc) and the lpcs steps are skipped. DECODE7B=1 also runs
# bench/cuda/run_decode7b_on_device.sh BINDIR (session 5: packed int4 /
# ternary weights, 7B decode vs the roofline; STEPS selects its steps). SHARED (default shared) holds
# models/ and data/. Logs and tables go to $OUT (default build/cuda/out).
set -u
cd "$(dirname "$0")/../.." || exit 1
OUT=${OUT:-build/cuda/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SHARED=${SHARED:-shared}
BIN=${1:-}
exec > >(tee "$OUT/run_llm.log") 2>&1
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
stamp machine
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.memory --format=csv 2>&1 || true
git log -1 --oneline 2>/dev/null || true
if [ -n "$BIN" ]; then
  export LD_LIBRARY_PATH="$(cd "$BIN" && pwd)/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  TEST=$BIN/test_llm LPCS=$BIN/lpcs RES=$BIN/test_resident
else
  make -j"$(nproc)" build/libgolden.a build/cuda/test_llm >"$OUT/build.txt" 2>&1 || { tail -30 "$OUT/build.txt"; exit 1; }
  TEST=build/cuda/test_llm LPCS= RES=
fi
export LPCS_SHARED=$SHARED
stamp "engine vs host oracle (bit for bit)"
timeout 120 "$TEST"; rc_t=$?
if [ -n "$RES" ]; then
  stamp "cuda = cpu through the runtime (test_resident)"
  timeout 240 "$RES" | tee "$OUT/test_resident.txt" | grep -E '^(PASS|FAIL|SKIP|cuda)'
fi
if [ -n "$LPCS" ]; then
  V="$SHARED/models"; TXT="$SHARED/data/tinyshakespeare.txt"
  for m in shakespeare-llama.bin shakespeare-mmfree.safetensors; do
    for plan in fp32 bf16 w=mxfp4,a=fp8e4m3,kv=bf16; do
      [ $m = shakespeare-mmfree.safetensors ] && [ $plan != fp32 ] && continue
      stamp "lpcs ppl $m --backend cuda --plan $plan"
      /usr/bin/time -f "wall %e s" timeout 120 "$LPCS" ppl "$V/$m" "$TXT" --split val --backend cuda --plan $plan 2>&1 | grep -E 'engine|seconds|nll=|wall|rror'
    done
    [ -z "${SKIP_CPU:-}" ] && stamp "lpcs ppl $m --backend cpu (op list, 16 threads)" &&
    /usr/bin/time -f "wall %e s" timeout 200 "$LPCS" ppl "$V/$m" "$TXT" --split val --backend cpu --threads 16 2>&1 | grep -E 'engine|seconds|nll=|wall|rror'
    stamp "lpcs run $m --backend cuda: greedy ROMEO sample vs metrics.json"
    timeout 60 "$LPCS" run "$V/$m" --prompt "ROMEO:" -n 200 --backend cuda --quiet >"$OUT/romeo.txt" 2>"$OUT/romeo_err.txt"
    cat "$OUT/romeo_err.txt"
    python3 - "$V/metrics.json" "$OUT/romeo.txt" "$m" <<'PY'
import json, sys
k = "llama" if "llama" in sys.argv[3] else "mmfree"
want = json.load(open(sys.argv[1]))[k]["sample_greedy_ROMEO"]
got = open(sys.argv[2], encoding="latin-1").read().rstrip("\n")
want = want.rstrip("\n")  # lpcs run ends with its own newline; the sample may end in newlines too
print(("PASS" if got == want else "FAIL") + f" {k} greedy ROMEO sample through the cuda engine " + ("= metrics.json" if got == want else f"differs: {got[:80]!r}"))
PY
    timeout 60 "$LPCS" bench "$V/$m" -n 100 --repeat 2 --batch 1,64 --backend cuda 2>&1 | grep -E 'batch|ms/step|tokens/s|rror' 
  done
fi
# Every plan's full-split NLL through the engine against the cpu backend's
# digits computed beforehand on a CPU machine ($PLAN_REF: lines
# "model|plan|exec|nll=... bytes=...|..."), plus the op placement.
if [ -n "$LPCS" ] && [ -f "${PLAN_REF:-}" ]; then
  stamp "every plan: lpcs ppl --backend cuda vs the cpu digits ($PLAN_REF)"
  npass=0; nfail=0
  while IFS='|' read -r mod plan ex want _; do
    f="$SHARED/models/shakespeare-llama.bin"; [ "$mod" = mmfree ] && f="$SHARED/models/shakespeare-mmfree.safetensors"
    got=$(timeout 120 "$LPCS" ppl "$f" "$SHARED/data/tinyshakespeare.txt" --split val --backend cuda --plan "$plan" --exec "$ex" 2>"$OUT/plan_err.txt" | grep -E 'nll=' | tail -1)
    if [ -z "$want" ] && [ -n "${CPU_REF_HERE:-}" ]; then # no digits carried: the cpu backend on this machine's cores
      want=$(timeout 200 "$LPCS" ppl "$f" "$SHARED/data/tinyshakespeare.txt" --split val --backend cpu --threads "$(nproc)" --plan "$plan" --exec "$ex" 2>/dev/null | grep -E 'nll=' | tail -1)
      echo "$mod|$plan|$ex|$want|device-cpu" >>"$OUT/plan_ref_device.txt"
    fi
    wd=$(echo "$want" | grep -oE 'nll=[0-9.]+'); gd=$(echo "$got" | grep -oE 'nll=[0-9.]+')
    info=$(grep -E 'cuda|fallback|seconds|rror' "$OUT/plan_err.txt" | tr '\n' ' ' | cut -c1-300)
    if [ -z "$wd" ]; then r=NOREF
    elif [ "$wd" = "$gd" ]; then r=PASS; npass=$((npass+1)); else r=FAIL; nfail=$((nfail+1)); fi
    echo "$r plan $mod '$plan' exec=$ex: cuda $gd, cpu $wd | $info"
  done < "$PLAN_REF"
  echo "plans: $npass equal to cpu, $nfail differ"
fi
if python3 -c 'import torch' 2>/dev/null; then
  stamp "PyTorch eager baseline"
  timeout 180 python3 bench/cuda/torch_ppl.py "$SHARED"
fi
stamp "full-split timing (llama, one batch) and 7B shapes"
timeout 300 "$TEST" --no-checks --ppl ${BENCH7B:+--bench7b${BENCH7B_BF16:+-bf16}} --csv "$OUT/bench7b.csv" | grep -vE '^(PASS|FAIL)'
rc_i=skipped
if [ -z "${SKIP_INJECT:-}" ]; then
  stamp "fault injection (must FAIL)"
  timeout 120 "$TEST" --inject >"$OUT/inject.txt" 2>&1; rc_i=$?
  grep -E '^(PASS|FAIL)' "$OUT/inject.txt"
fi
if [ -n "${BENCH_GEMV:-}" ] && [ -x "${BIN:-.}/bench_gemv" ]; then
  stamp "GEMV kernels (ternary / int4 / LUT vs cuBLAS, up to 28672x8192)"
  timeout 200 "$BIN/bench_gemv" --out "$OUT" >"$OUT/bench_gemv_stdout.txt" 2>&1; echo "bench_gemv rc=$?"
  grep -vE '^\|' "$OUT/bench_gemv_stdout.txt" | tail -5
fi
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
if [ -n "${PROFILE:-}" ] && [ -n "$NCU" ]; then
  stamp "Nsight Compute: the GEMM and attention of the full-split forward and the 7B decode kernels"
  S="--section SpeedOfLight --section MemoryWorkloadAnalysis --section Occupancy --section LaunchStats"
  if [ "$PROFILE" != decode ]; then # PROFILE=decode: the 7B decode kernels only; PROFILE=all: also the older GEMM and attention
    timeout 120 "$NCU" $S -k regex:gemm_st_k --launch-skip 8 --launch-count 2 "$TEST" --no-checks --ppl >"$OUT/ncu_gemm_st.txt" 2>&1
    timeout 120 "$NCU" $S -k regex:attn_rows_k --launch-count 1 "$TEST" --no-checks --ppl >"$OUT/ncu_attn.txt" 2>&1
  fi
  if [ "$PROFILE" = all ]; then
    timeout 120 "$NCU" $S -k regex:gemm_k --launch-skip 8 --launch-count 1 "$TEST" --no-checks --ppl >"$OUT/ncu_gemm.txt" 2>&1
    timeout 120 "$NCU" $S -k regex:attn_rows_k --launch-count 1 "$TEST" --no-checks --ppl >"$OUT/ncu_attn.txt" 2>&1
  fi
  timeout 180 "$NCU" $S -k regex:'gemv1_xs_k|rmsnorm_k' --launch-skip 300 --launch-count 6 "$TEST" --no-checks --bench7b-bf16 >"$OUT/ncu_gemv.txt" 2>&1
  grep -E 'gemm_k|gemm_st_k|gemm_wl_k|gemv_k|gemv1_xs_k|rmsnorm_k|attn_rows_k|Duration|Memory Throughput|DRAM Throughput|Compute \(SM\) Throughput|Achieved Occupancy|Registers Per|L1/TEX Hit|L2 Hit|Mem Busy|Max Bandwidth' "$OUT"/ncu_*.txt | cut -c1-160
fi
if [ -n "$LPCS" ] && [ -n "${GEN7B:-}" ]; then
  stamp "lpcs gen-model llama2-7b (bf16) + lpcs bench --backend cuda --plan bf16 --batch 1,8,64"
  timeout 200 "$LPCS" gen-model llama2-7b /tmp/l7.safetensors && ls -la /tmp/l7.*
  stamp "bench"
  /usr/bin/time -f "wall %e s, max RSS %M KB" timeout 300 "$LPCS" bench /tmp/l7.safetensors -n 24 --repeat 2 --batch 1,8,64 --backend cuda --plan bf16 2>&1 | grep -E 'engine|batch|ms/step|tokens/s|bytes/step|rror|wall|fit'
  rm -f /tmp/l7.*
fi
if [ -n "${DECODE7B:-}" ] && [ -n "$BIN" ]; then # session 5: packed int4 / ternary, folded one-row ops, 7B decode vs roofline
  stamp "run_decode7b_on_device.sh (STEPS=${STEPS:-all})"
  OUT="$OUT/decode7b" SHARED="$SHARED" bench/cuda/run_decode7b_on_device.sh "$BIN"
fi
stamp "done: test_llm rc=$rc_t, inject rc=$rc_i (must be non-zero)"
