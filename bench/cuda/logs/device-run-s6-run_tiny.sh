#!/bin/bash
# session 6, last device minutes: bits of the copy-ring GEMV and GEMM mode 8 (test_llm), 7B decode batch 1 A/B, full-split timing
D=.device/b6; B=$D/bin; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$B/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader
stamp "test_llm checks"; timeout 60 $B/test_llm > $OUT/test_llm.txt 2>&1; echo "test_llm rc=$?"; grep -E '^(FAIL|cuda)' $OUT/test_llm.txt; grep -cE '^PASS' $OUT/test_llm.txt
stamp "bench7b batch 1"; BENCH7B_B1=1 BENCH7B_NO_FP32=1 timeout 100 $B/test_llm --no-checks --bench7b --csv $OUT/bench7b.csv > $OUT/bench7b.txt 2>&1; grep -vE '^(PASS|FAIL)' $OUT/bench7b.txt
stamp "full-split timing"; timeout 40 $B/test_llm --no-checks --ppl > $OUT/ppl.txt 2>&1; grep -vE '^(PASS|FAIL)' $OUT/ppl.txt | tail -12
stamp "test_resident bf16 w=int4 w=ternary"; for p in bf16 w=int4 w=ternary; do LPCS_RESIDENT_ONLY=$p timeout 30 $B/test_resident > $OUT/resident_$p.txt 2>&1; echo "resident $p rc=$?"; grep -E '^FAIL|cuda resident' $OUT/resident_$p.txt; grep -cE '^PASS' $OUT/resident_$p.txt; done
stamp done
