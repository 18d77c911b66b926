#!/bin/bash
# session 12, call 4: d = branch s12-attn (main + attn 6 / 7 opt-in: the attention's second launch with 2 query rows
# a thread, not yet run on a GPU), e = s12-attn-def (the same with attn 6 by default). Bits first, then timings.
D=.device/b17; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$D/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
R=/tmp/r; mkdir -p $R; save() { tar czf $OUT/r.tgz -C /tmp r; }
mkdir -p /tmp/bin && tar xJf $D/bin.tar.xz -C /tmp/bin
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
stamp "d: test_llm checks"; timeout 100 /tmp/bin/d/test_llm > $R/test_llm_d.txt 2>&1; echo "test_llm rc=$?"; grep -E '^FAIL|^cuda llm tests' $R/test_llm_d.txt | cut -c1-160; save
for i in 1 2; do stamp "d ppl round $i"; timeout 60 /tmp/bin/d/test_llm --no-checks --ppl > $R/ppl_d_$i.txt 2>&1
grep -E "ppl llama" -A1 $R/ppl_d_$i.txt | grep -A1 -E 'mode 0: |attn [67]' | sed 's/436 windows in one batch: //' | cut -c1-150; save; done
stamp "e: test_resident"; timeout 90 /tmp/bin/e/test_resident > $R/test_resident_e.txt 2>&1; echo "test_resident rc=$?"; grep -E '^FAIL|cuda resident' $R/test_resident_e.txt | cut -c1-160; save
B=/tmp/bin/e
stamp "e: lpcs ppl / run --backend cuda (both models)"; for mf in shakespeare-llama.bin shakespeare-mmfree.safetensors; do
  timeout 60 $B/lpcs ppl $S/models/$mf $S/data/tinyshakespeare.txt --split val --backend cuda 2>&1 | grep -E 'engine|seconds|nll=|rror' | tee -a $R/lpcs.txt
  timeout 30 $B/lpcs run $S/models/$mf --prompt "ROMEO:" -n 200 --backend cuda --quiet > $R/romeo_$mf.txt 2>>$R/lpcs.txt
  python3 -c "import json,sys; k='llama' if 'llama' in sys.argv[2] else 'mmfree'; w=json.load(open(sys.argv[1]))[k]['sample_greedy_ROMEO'].rstrip(chr(10)); g=open(sys.argv[3],encoding='latin-1').read().rstrip(chr(10)); print(('PASS' if g==w else 'FAIL'), k, 'greedy ROMEO sample through the cuda engine')" $S/models/metrics.json $mf $R/romeo_$mf.txt | tee -a $R/lpcs.txt
done; save
stamp "e: test_llm checks"; timeout 100 /tmp/bin/e/test_llm > $R/test_llm_e.txt 2>&1; echo "test_llm rc=$?"; grep -E '^FAIL|^cuda llm tests' $R/test_llm_e.txt | cut -c1-160; save
stamp done; save
