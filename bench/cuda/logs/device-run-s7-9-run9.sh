#!/bin/bash
# session 7, call 9: fp32 / bf16 w1 / w3 + SwiGLU as one copy-ring launch (bits, batch-1 time)
D=.device/b7; B=$D/bin; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$B/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
mkdir -p $OUT/r; R=$OUT/r
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader
stamp "test_llm checks"; timeout 150 $B/test_llm > $R/test_llm.txt 2>&1; echo "test_llm rc=$?"; grep -E '^(FAIL|cuda)' $R/test_llm.txt
stamp "test_resident (all plans)"; timeout 200 $B/test_resident > $R/test_resident.txt 2>&1; echo "test_resident rc=$?"; grep -E '^FAIL|cuda resident' $R/test_resident.txt
stamp "bench7b batch 1"; BENCH7B_B1=1 BENCH7B_NO_FP32=1 timeout 150 $B/test_llm --no-checks --bench7b > $R/bench7b_b1.txt 2>&1; grep -vE '^(PASS|FAIL)' $R/bench7b_b1.txt | grep -vE 'geometry|mode 5|forced'
stamp done
cd $OUT && tar czf /tmp/r9.tgz r && rm -rf r && mv /tmp/r9.tgz $OUT/
