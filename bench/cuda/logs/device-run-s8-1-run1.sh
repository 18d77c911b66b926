#!/bin/bash
# session 8, call 1: restored deep ring + several-rows RMSNorm fold (bits), batch 1/8 times, SASS + ncu of the packed copy ring
D=.device/b8; B=$D/bin; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$B/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
R=/tmp/r; mkdir -p $R; save() { tar czf $OUT/r1.tgz -C /tmp r; }
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader
stamp "test_llm checks"; timeout 150 $B/test_llm > $R/test_llm.txt 2>&1; echo "test_llm rc=$?"; grep -E '^(FAIL|cuda)' $R/test_llm.txt; save
stamp "test_resident (all plans)"; timeout 200 $B/test_resident > $R/test_resident.txt 2>&1; echo "test_resident rc=$?"; grep -E '^FAIL|cuda resident' $R/test_resident.txt; save
stamp "bench7b batch 1, 8"; BENCH7B_ONLYB=1,8 BENCH7B_NO_FP32=1 timeout 200 $B/test_llm --no-checks --bench7b > $R/bench7b.txt 2>&1; grep -vE '^(PASS|FAIL)' $R/bench7b.txt | grep -vE 'geometry|mode 5|forced'; save
stamp "ppl (full split, modes 0/8/5/2/6)"; timeout 120 $B/test_llm --no-checks --ppl > $R/ppl.txt 2>&1; echo "ppl rc=$?"; grep -E "ppl llama|per op" $R/ppl.txt; save
stamp "PyTorch eager, same card"; timeout 150 python3 bench/cuda/torch_ppl.py $S > $R/torch_ppl.txt 2>&1; echo "torch rc=$?"; tail -4 $R/torch_ppl.txt; save
stamp "sass"
CUO=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
$CUO -sass $B/test_llm > $R/all.sass 2>&1; echo "cuobjdump rc=$? $(wc -l < $R/all.sass) lines"
grep -n "Function : " $R/all.sass > $R/sass_index.txt
for fn in _Z12gemv1_pipe_kILi4ELi1ELi4ELi1ELi256E _Z12gemv1_pipe_kILi2ELi1ELi4ELi1ELi256E _Z12gemv1_pipe_kILi1ELi1ELi3ELi1ELi256E attn_smem_kILi32ELi32E; do
  awk -v f="$fn" '/Function : /{p = index($0, f) > 0} p' $R/all.sass > $R/sass_$fn.txt; echo "$fn: $(wc -l < $R/sass_$fn.txt) lines"; done
rm -f $R/all.sass
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
stamp "ncu int4/ternary batch 1 (instruction stats, warp states, source counters)"
for f in int4; do
BENCH7B_FMT=$f BENCH7B_ONLYB=1 BENCH7B_B1=1 BENCH7B_NO_FP32=1 timeout 150 $NCU --section SpeedOfLight --section InstructionStats --section WarpStateStats --section SchedulerStats --section Occupancy --section LaunchStats --section SourceCounters -k regex:'gemv1_pipe_k' --launch-skip 300 --launch-count 4 $B/test_llm --no-checks --bench7b > $R/ncu_$f.txt 2>&1; echo "ncu $f rc=$?"
done; save
grep -E '  void gemv1|Duration|Executed Instructions  |Issue Slots Busy|Issued Warp|No Eligible|Achieved Occupancy|Registers Per' $R/ncu_int4.txt | cut -c1-150 | head -30
stamp "ncu attention (attn_smem_k: mode 0; attn_rows_k: mode 6)"; for k in attn_smem_k:5 attn_rows_k:35; do timeout 120 $NCU --section SpeedOfLight --section InstructionStats --section WarpStateStats --section Occupancy --section SourceCounters -k regex:${k%:*} --launch-skip ${k#*:} --launch-count 1 $B/test_llm --no-checks --ppl > $R/ncu_${k%:*}.txt 2>&1; echo "ncu $k rc=$?"; grep -E 'Duration|Executed Instructions  |Issue Slots Busy|No Eligible|Achieved Occupancy|Registers Per' $R/ncu_${k%:*}.txt | head; done; save; save
stamp done
save
