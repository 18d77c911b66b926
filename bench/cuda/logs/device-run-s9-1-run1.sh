#!/bin/bash
# session 9, call 1: s9-test (one-LOP3 packed decode, decode attention loads in flight) bits; attn_smem_k P=4 (ppl 101);
# 7B decode batch 1 main vs s9 alternating; PyTorch eager; ncu of the many-row GEMMs (gemm_k mode 0, gemm_st_k mode 5)
D=.device/b9; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$D/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
R=/tmp/r; mkdir -p $R; save() { tar czf $OUT/r1.tgz -C /tmp r; }
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader
stamp "s9 test_llm checks"; timeout 150 $D/bin9/test_llm > $R/s9_test_llm.txt 2>&1; echo "test_llm rc=$?"; grep -E '^(FAIL|cuda)' $R/s9_test_llm.txt; save
stamp "s9 ppl"; timeout 100 $D/bin9/test_llm --no-checks --ppl > $R/s9_ppl.txt 2>&1; echo "ppl rc=$?"; grep -E "ppl llama|per op" $R/s9_ppl.txt | cut -c1-230; save
stamp "s9 test_resident"; timeout 150 $D/bin9/test_resident > $R/s9_test_resident.txt 2>&1; echo "test_resident rc=$?"; grep -E '^FAIL|cuda resident' $R/s9_test_resident.txt; save
stamp "bench7b batch 1, main / s9 alternating"
for i in 1 2; do for b in bin bin9; do BENCH7B_ONLYB=1 BENCH7B_B1=1 BENCH7B_NO_FP32=1 timeout 100 $D/$b/test_llm --no-checks --bench7b > $R/bench7b_${b}_$i.txt 2>&1; echo "$b round $i:"; grep -E "decode batch  1:|programmatic|bench7b:" $R/bench7b_${b}_$i.txt | cut -c1-160; save; done; done
stamp "PyTorch eager"; timeout 120 python3 bench/cuda/torch_ppl.py $S > $R/torch_ppl.txt 2>&1; echo "torch rc=$?"; tail -4 $R/torch_ppl.txt; save
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
stamp "ncu gemm_k (mode 0) and gemm_st_k (mode 5), one layer's matmuls"
for k in gemm_k gemm_st_k; do timeout 120 $NCU --section SpeedOfLight --section MemoryWorkloadAnalysis --section ComputeWorkloadAnalysis --section InstructionStats --section WarpStateStats --section SchedulerStats --section Occupancy --section LaunchStats -k regex:"^${k}" --launch-count 6 $D/bin/test_llm --no-checks --ppl > $R/ncu_$k.txt 2>&1; echo "ncu $k rc=$?"
grep -E '^  void|^  gemm|Duration|Executed Instructions  |Issue Slots Busy|No Eligible|Achieved Occupancy|Registers Per|L1/TEX Hit|Shared Memory  |Mem Pipes|FMA  |Compute \(SM\) Thr|Memory Thr' $R/ncu_$k.txt | cut -c1-140 | head -60; save; done
stamp done; save
stamp "sass gemm_st_k / gemm_k fp32"; CUO=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
for fn in _Z9gemm_st_kIfEvPfiPKfiPKT_iii _Z6gemm_kIfLi8EEvPfiPKfiPKT_iii; do $CUO -sass -fun $fn $D/bin/test_llm > $R/sass_$fn.txt 2>&1; echo "$fn: $(wc -l < $R/sass_$fn.txt) lines"; done; save
