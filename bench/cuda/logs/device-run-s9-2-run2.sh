#!/bin/bash
# session 9, call 2: gemm_st_k keeping X for all column tiles (mode 5 / 9), gemm_k with coalesced X loads (mode 2):
# bits (test_llm, test_resident), full-split times vs main, ncu with memory tables
D=.device/b9; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$D/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
R=/tmp/r; mkdir -p $R; save() { tar czf $OUT/r2.tgz -C /tmp r; }
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader
stamp "s9b test_llm checks"; timeout 150 $D/bin9b/test_llm > $R/s9b_test_llm.txt 2>&1; echo "test_llm rc=$?"; grep -E '^(FAIL|cuda)' $R/s9b_test_llm.txt; grep -E 'mode (2|5|9)' $R/s9b_test_llm.txt | cut -c1-150; save
stamp "s9b ppl"; timeout 120 $D/bin9b/test_llm --no-checks --ppl > $R/s9b_ppl.txt 2>&1; echo "ppl rc=$?"; grep -E "ppl llama|per op" $R/s9b_ppl.txt | cut -c1-200; save
stamp "main ppl (same call)"; timeout 120 $D/bin/test_llm --no-checks --ppl > $R/main_ppl.txt 2>&1; grep -E "ppl llama|per op" $R/main_ppl.txt | head -2 | cut -c1-200; save
stamp "s9b test_resident"; timeout 150 $D/bin9b/test_resident > $R/s9b_test_resident.txt 2>&1; echo "test_resident rc=$?"; grep -E '^FAIL|cuda resident' $R/s9b_test_resident.txt; save
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
for k in "gemm_k<float, 8, 0>" "gemm_k<float, 8, 1>" "gemm_st_k<float, 1>"; do f=$(echo "$k" | tr -dc 'a-z0-9_'); stamp "ncu $k"
timeout 100 $NCU --kernel-name-base demangled -k regex:"$k" --launch-count 1 --section SpeedOfLight --section MemoryWorkloadAnalysis --section MemoryWorkloadAnalysis_Tables --section ComputeWorkloadAnalysis --section InstructionStats --section WarpStateStats --section SchedulerStats --section Occupancy --print-details all $D/bin9b/test_llm --no-checks --ppl > $R/ncu_$f.txt 2>&1; echo "ncu rc=$?"
grep -E 'Duration|Executed Instructions  |Issue Slots Busy|L1/TEX Cache Throughput|Bank Conflicts|Stall|stall' $R/ncu_$f.txt | cut -c1-150 | head -30; save; done
stamp done; save
