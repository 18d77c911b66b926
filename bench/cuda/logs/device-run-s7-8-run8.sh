#!/bin/bash
# session 7, call 8: 512 or 1024 threads by what fills the SMs
D=.device/b7; B=$D/bin; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$B/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
mkdir -p $OUT/r; R=$OUT/r
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader
stamp "test_llm checks"; timeout 150 $B/test_llm > $R/test_llm.txt 2>&1; echo "test_llm rc=$?"; grep -E '^(FAIL|cuda)' $R/test_llm.txt; grep -E 'sequences' $R/test_llm.txt | cut -c1-150
stamp "test_resident (all plans)"; timeout 200 $B/test_resident > $R/test_resident.txt 2>&1; echo "test_resident rc=$?"; grep -E '^FAIL|cuda resident' $R/test_resident.txt
stamp "bench7b"; BENCH7B_NO_FP32=1 timeout 220 $B/test_llm --no-checks --bench7b --csv $R/bench7b.csv > $R/bench7b.txt 2>&1; grep -vE '^(PASS|FAIL)' $R/bench7b.txt | grep -vE 'geometry|mode 5|without the CUDA|forced'
SEC="--section SpeedOfLight --section MemoryWorkloadAnalysis --section Occupancy --section LaunchStats --section ComputeWorkloadAnalysis --section SchedulerStats --section WarpStateStats --section SourceCounters"
stamp done
cd $OUT && tar czf /tmp/r8.tgz r && rm -rf r && mv /tmp/r8.tgz $OUT/
