#!/bin/bash
# session 11, call 2: branch s11-defaults (attention score buffer in two launches by default, the residual fold
# opt-in, ternary mma GEMV persistent v142 for large matrices, mode 11 = vector epilogue stores): bits (test_llm, test_resident, test_cuda), full split
# vs main (s10-all) in the same call, lpcs CLI, bench_gemv all shapes, PyTorch eager, ncu + SASS of gemm_k
D=.device/b11; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$D/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
R=/tmp/r; mkdir -p $R; save() { tar czf $OUT/r.tgz -C /tmp r; }
mkdir -p /tmp/bin && tar xJf $D/bin.tar.xz -C /tmp/bin; B=/tmp/bin/s11
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader
stamp "s11: test_llm checks"; timeout 120 $B/test_llm > $R/test_llm.txt 2>&1; echo "test_llm rc=$?"; grep -E '^FAIL|^cuda llm tests' $R/test_llm.txt | cut -c1-160; save
stamp "s11: test_resident"; timeout 80 $B/test_resident > $R/test_resident.txt 2>&1; echo "test_resident rc=$?"; grep -E '^FAIL|cuda resident' $R/test_resident.txt | cut -c1-160; save
stamp "s11: test_cuda"; timeout 120 $B/test_cuda > $R/test_cuda.txt 2>&1; echo "test_cuda rc=$?"; grep -E '^FAIL' $R/test_cuda.txt | head -5 | cut -c1-160; tail -2 $R/test_cuda.txt | cut -c1-200; save
for i in 1 2; do
stamp "s11 ppl round $i"; timeout 90 $B/test_llm --no-checks --ppl > $R/ppl_s11_$i.txt 2>&1; echo "ppl rc=$?"; grep -E "ppl llama|per op" $R/ppl_s11_$i.txt | cut -c1-190 | head -8; save
stamp "base ppl round $i"; timeout 60 /tmp/bin/base/test_llm --no-checks --ppl > $R/ppl_base_$i.txt 2>&1; grep -E "ppl llama|per op" $R/ppl_base_$i.txt | head -2 | cut -c1-190; save
done
stamp "PyTorch eager"; timeout 60 python3 bench/cuda/torch_ppl.py $S > $R/torch_ppl.txt 2>&1; echo "torch rc=$?"; tail -2 $R/torch_ppl.txt; save
stamp "PyTorch profile"; timeout 60 python3 bench/cuda/torch_ppl.py $S --profile > $R/torch_profile.txt 2>&1; echo "profile rc=$?"; head -16 $R/torch_profile.txt | cut -c1-200; save
stamp "lpcs ppl / run --backend cuda (both models)"; for mf in shakespeare-llama.bin shakespeare-mmfree.safetensors; do
  /usr/bin/time -f "wall %e s" timeout 60 $B/lpcs ppl $S/models/$mf $S/data/tinyshakespeare.txt --split val --backend cuda 2>&1 | grep -E 'engine|seconds|nll=|wall|rror' | tee -a $R/lpcs.txt
  timeout 30 $B/lpcs run $S/models/$mf --prompt "ROMEO:" -n 200 --backend cuda --quiet > $R/romeo_$mf.txt 2>>$R/lpcs.txt
  python3 -c "import json,sys; k='llama' if 'llama' in sys.argv[2] else 'mmfree'; w=json.load(open(sys.argv[1]))[k]['sample_greedy_ROMEO'].rstrip(chr(10)); g=open(sys.argv[3],encoding='latin-1').read().rstrip(chr(10)); print(('PASS' if g==w else 'FAIL'), k, 'greedy ROMEO sample through the cuda engine')" $S/models/metrics.json $mf $R/romeo_$mf.txt | tee -a $R/lpcs.txt
done; save
stamp "sass gemm_k fp32 8x8 (epi 0, 2)"; CUO=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
for fn in _Z6gemm_kIfLi8ELi0EEvPfiPKfiPKT_iii8gemm_epi _Z6gemm_kIfLi8ELi2EEvPfiPKfiPKT_iii8gemm_epi; do $CUO -sass -fun $fn $B/test_llm > $R/sass_$fn.txt 2>&1; echo "$fn: $(wc -l < $R/sass_$fn.txt) lines"; done; save
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
stamp "ncu gemm_k: layer 0 q (K 256) and w2 (K 640)"
timeout 100 $NCU -k regex:gemm_k --launch-count 6 --section SpeedOfLight --section MemoryWorkloadAnalysis --section MemoryWorkloadAnalysis_Tables --section ComputeWorkloadAnalysis --section InstructionStats --section WarpStateStats --section SchedulerStats --section Occupancy --section LaunchStats --section SourceCounters --print-details all $B/test_llm --no-checks --ppl > $R/ncu_gemm_k.txt 2>&1; echo "ncu rc=$?"
grep -E '^  void|^  gemm|Duration|Executed Instructions  |Issue Slots Busy|L1/TEX Cache Throughput|L2 Cache Throughput|Registers Per|Achieved Occ' $R/ncu_gemm_k.txt | cut -c1-150 | head -60; save
stamp "ncu attn_rows_k (the two launches, layer 0)"
timeout 60 $NCU -k regex:attn_rows_k --launch-count 2 --section SpeedOfLight --section ComputeWorkloadAnalysis --section InstructionStats --section WarpStateStats --section SchedulerStats --section Occupancy --section LaunchStats --section MemoryWorkloadAnalysis --print-details all $B/test_llm --no-checks --ppl > $R/ncu_attn.txt 2>&1; echo "ncu rc=$?"
grep -E '^  void|^  attn|Duration|Executed Instructions  |Issue Slots Busy|Registers Per|Achieved Occ|L1/TEX Cache Throughput|DRAM Throughput' $R/ncu_attn.txt | cut -c1-150 | head -24; save
stamp "bench_gemv, all shapes"; timeout 200 $B/bench_gemv --out $R/gemv > $R/bench_gemv.txt 2>&1; echo "bench_gemv rc=$?"; tail -2 $R/bench_gemv.txt | cut -c1-200
grep -A14 "Kernel variants" $R/gemv/bench_gemv.md | cut -c1-250; grep -E "^\| [0-9x]+ \| 1 \|" $R/gemv/bench_gemv.md | head -4 | cut -c1-200; save
stamp done; save
