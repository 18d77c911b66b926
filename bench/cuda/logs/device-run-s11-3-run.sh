#!/bin/bash
# session 11, call 3: s11-defaults + gemm_k float4 / float2 epilogue stores by default, all folds on: bits
# (test_llm, test_resident), full split vs call 2's s11 binary in alternating rounds, lpcs CLI both models
D=.device/b12; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$D/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
R=/tmp/r; mkdir -p $R; save() { tar czf $OUT/r.tgz -C /tmp r; }
mkdir -p /tmp/bin && tar xJf $D/bin.tar.xz -C /tmp/bin; B=/tmp/bin/s11b
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader
stamp "s11b: test_llm checks"; timeout 120 $B/test_llm > $R/test_llm.txt 2>&1; echo "test_llm rc=$?"; grep -E '^FAIL|^cuda llm tests' $R/test_llm.txt | cut -c1-160; save
stamp "s11b: test_resident"; timeout 80 $B/test_resident > $R/test_resident.txt 2>&1; echo "test_resident rc=$?"; grep -E '^FAIL|cuda resident' $R/test_resident.txt | cut -c1-160; save
for i in 1 2; do
stamp "s11b ppl round $i"; timeout 90 $B/test_llm --no-checks --ppl > $R/ppl_s11b_$i.txt 2>&1; echo "ppl rc=$?"; grep -E "ppl llama" $R/ppl_s11b_$i.txt | sed 's/436 windows in one batch: //' | cut -c1-150; grep -m1 "per op" $R/ppl_s11b_$i.txt; save
stamp "s11 (call 2) ppl round $i"; timeout 60 /tmp/bin/s11/test_llm --no-checks --ppl > $R/ppl_s11_$i.txt 2>&1; grep -E "ppl llama" $R/ppl_s11_$i.txt | head -1 | sed 's/436 windows in one batch: //' | cut -c1-150; save
done
stamp "lpcs ppl / run --backend cuda (both models)"; for mf in shakespeare-llama.bin shakespeare-mmfree.safetensors; do
  /usr/bin/time -f "wall %e s" timeout 60 $B/lpcs ppl $S/models/$mf $S/data/tinyshakespeare.txt --split val --backend cuda 2>&1 | grep -E 'engine|seconds|nll=|wall|rror' | tee -a $R/lpcs.txt
  timeout 30 $B/lpcs run $S/models/$mf --prompt "ROMEO:" -n 200 --backend cuda --quiet > $R/romeo_$mf.txt 2>>$R/lpcs.txt
  python3 -c "import json,sys; k='llama' if 'llama' in sys.argv[2] else 'mmfree'; w=json.load(open(sys.argv[1]))[k]['sample_greedy_ROMEO'].rstrip(chr(10)); g=open(sys.argv[3],encoding='latin-1').read().rstrip(chr(10)); print(('PASS' if g==w else 'FAIL'), k, 'greedy ROMEO sample through the cuda engine')" $S/models/metrics.json $mf $R/romeo_$mf.txt | tee -a $R/lpcs.txt
done; save
stamp "sass of gemm_k (every instantiation) and attn_rows_k"; CUO=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
$CUO -sass $B/test_llm > /tmp/all.sass 2>&1; echo "sass: $(wc -l < /tmp/all.sass) lines"
awk '/Function : /{p = ($0 ~ /gemm_kIfLi8ELi0ELb1E|gemm_kIfLi8ELi2ELb1E|attn_rows_kILi32ELi1E/)} p' /tmp/all.sass > $R/sass_gemm_k_attn.txt; grep "Function :" $R/sass_gemm_k_attn.txt; save
stamp done; save
