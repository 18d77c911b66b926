#!/bin/bash
# session 9, call 3: main with the coalesced gemm_k as the default and the new gemm_st_k (mode 5 / 9); branch
# s9-attn (the score buffer in two launches, attn 5): bits, full split (test_llm, lpcs CLI), PyTorch eager, ncu, 7B
D=.device/b9; B=$D/bin; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$D/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
R=/tmp/r; mkdir -p $R; save() { tar czf $OUT/r3.tgz -C /tmp r; }
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader
stamp "test_llm checks"; timeout 100 $B/test_llm > $R/test_llm.txt 2>&1; echo "test_llm rc=$?"; grep -E '^(FAIL|cuda)' $R/test_llm.txt; save
stamp "ppl"; timeout 60 $B/test_llm --no-checks --ppl > $R/ppl.txt 2>&1; echo "ppl rc=$?"; grep -E "ppl llama|per op" $R/ppl.txt | cut -c1-200; save
stamp "attn branch: test_llm checks + ppl"; timeout 100 $D/attn/test_llm > $R/attn_test_llm.txt 2>&1; echo "attn test_llm rc=$?"; grep -E '^(FAIL|cuda)|two launches' $R/attn_test_llm.txt | cut -c1-150
timeout 60 $D/attn/test_llm --no-checks --ppl > $R/attn_ppl.txt 2>&1; grep -E "ppl llama" $R/attn_ppl.txt | head -1 | cut -c1-200; grep -A1 "two launches" $R/attn_ppl.txt | cut -c1-200; save
stamp "PyTorch eager"; timeout 60 python3 bench/cuda/torch_ppl.py $S > $R/torch_ppl.txt 2>&1; echo "torch rc=$?"; tail -2 $R/torch_ppl.txt; save
stamp "test_resident"; timeout 80 $B/test_resident > $R/test_resident.txt 2>&1; echo "test_resident rc=$?"; grep -E '^FAIL|cuda resident' $R/test_resident.txt; save
stamp "lpcs ppl / run --backend cuda (both models)"; for mf in shakespeare-llama.bin shakespeare-mmfree.safetensors; do
  /usr/bin/time -f "wall %e s" timeout 60 $B/lpcs ppl $S/models/$mf $S/data/tinyshakespeare.txt --split val --backend cuda 2>&1 | grep -E 'engine|seconds|nll=|wall|rror' | tee -a $R/lpcs.txt
  timeout 30 $B/lpcs run $S/models/$mf --prompt "ROMEO:" -n 200 --backend cuda --quiet > $R/romeo_$mf.txt 2>>$R/lpcs.txt
  python3 -c "import json,sys; k='llama' if 'llama' in sys.argv[2] else 'mmfree'; w=json.load(open(sys.argv[1]))[k]['sample_greedy_ROMEO'].rstrip(chr(10)); g=open(sys.argv[3],encoding='latin-1').read().rstrip(chr(10)); print(('PASS' if g==w else 'FAIL'), k, 'greedy ROMEO sample through the cuda engine')" $S/models/metrics.json $mf $R/romeo_$mf.txt | tee -a $R/lpcs.txt
done; save
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
for k in gemm_k:0 attn_rows_k:0; do stamp "ncu ${k%:*} (skip ${k#*:})"
timeout 60 $NCU -k regex:"^${k%:*}" --launch-skip ${k#*:} --launch-count 1 --section SpeedOfLight --section MemoryWorkloadAnalysis --section MemoryWorkloadAnalysis_Tables --section ComputeWorkloadAnalysis --section InstructionStats --section WarpStateStats --section SchedulerStats --section Occupancy --print-details all $B/test_llm --no-checks --ppl > $R/ncu_${k%:*}.txt 2>&1; echo "ncu rc=$?"
grep -E '^  void|Duration|Executed Instructions  |Issue Slots Busy|L1/TEX Cache Throughput|Bank|Stall' $R/ncu_${k%:*}.txt | cut -c1-150 | head -30; save; done
stamp "bench7b batch 1 + prefill"; BENCH7B_ONLYB=1 BENCH7B_B1=1 BENCH7B_NO_FP32=1 timeout 90 $B/test_llm --no-checks --bench7b > $R/bench7b.txt 2>&1; grep -E "decode batch  1:|prefill|bench7b:" $R/bench7b.txt | cut -c1-190; save
stamp done; save
