#!/bin/bash
# session 11, call 4: branch s11-full (gemm_k's unchecked form for interior tiles) vs main (call 3's default):
# full split in alternating rounds, then bits (test_llm, test_resident)
D=.device/b13; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$D/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
R=/tmp/r; mkdir -p $R; save() { tar czf $OUT/r.tgz -C /tmp r; }
mkdir -p /tmp/bin && tar xJf $D/bin.tar.xz -C /tmp/bin; B=/tmp/bin/new
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
for i in 1 2; do
stamp "new ppl round $i"; timeout 40 $B/test_llm --no-checks --ppl > $R/ppl_new_$i.txt 2>&1; grep -E "ppl llama" $R/ppl_new_$i.txt | grep -E 'mode 0: |mode 1[23]|no residual|no SwiGLU' | sed 's/436 windows in one batch: //' | cut -c1-140; save
stamp "main ppl round $i"; timeout 40 /tmp/bin/main/test_llm --no-checks --ppl > $R/ppl_main_$i.txt 2>&1; grep -E "ppl llama" $R/ppl_main_$i.txt | head -1 | sed 's/436 windows in one batch: //' | cut -c1-140; save
[ $i = 1 ] && { stamp "new: test_llm checks"; timeout 70 $B/test_llm > $R/test_llm.txt 2>&1; echo "test_llm rc=$?"; grep -E '^FAIL|^cuda llm tests' $R/test_llm.txt | cut -c1-160; save
stamp "new: test_resident"; timeout 40 $B/test_resident > $R/test_resident.txt 2>&1; echo "test_resident rc=$?"; grep -E '^FAIL|cuda resident' $R/test_resident.txt | cut -c1-160; save; }
done
stamp done; save
