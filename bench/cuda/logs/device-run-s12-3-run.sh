#!/bin/bash
# session 12, call 3: c = branch s12-lw after dropping mode 16, with rmsnorm_k's float4 copies and rope_kv4_k (not
# yet run on a GPU); a = call 2's binary a (the same defaults, the old RMSNorm / RoPE kernels) as the baseline.
# Bits first (test_llm, test_resident, lpcs CLI), then the full split in alternating rounds, ncu of attn_rows_k.
D=.device/b16; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$D/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
R=/tmp/r; mkdir -p $R; save() { tar czf $OUT/r.tgz -C /tmp r; }
mkdir -p /tmp/bin && tar xJf $D/bin.tar.xz -C /tmp/bin; B=/tmp/bin/c
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
stamp "c: test_llm checks"; timeout 100 $B/test_llm > $R/test_llm_c.txt 2>&1; echo "test_llm rc=$?"; grep -E '^FAIL|^cuda llm tests' $R/test_llm_c.txt | cut -c1-160; save
stamp "c: test_resident"; timeout 90 $B/test_resident > $R/test_resident_c.txt 2>&1; echo "test_resident rc=$?"; grep -E '^FAIL|cuda resident' $R/test_resident_c.txt | cut -c1-160; save
for i in 1 2; do for v in a c; do
stamp "$v ppl round $i"; timeout 60 /tmp/bin/$v/test_llm --no-checks --ppl > $R/ppl_${v}_$i.txt 2>&1
grep -E "ppl llama" -A1 $R/ppl_${v}_$i.txt | grep -A1 -E 'mode 0: ' | sed 's/436 windows in one batch: //' | cut -c1-150; save
done; done
stamp "c: lpcs ppl / run --backend cuda (both models)"; for mf in shakespeare-llama.bin shakespeare-mmfree.safetensors; do
  /usr/bin/time -f "wall %e s" timeout 60 $B/lpcs ppl $S/models/$mf $S/data/tinyshakespeare.txt --split val --backend cuda 2>&1 | grep -E 'engine|seconds|nll=|wall|rror' | tee -a $R/lpcs.txt
  timeout 30 $B/lpcs run $S/models/$mf --prompt "ROMEO:" -n 200 --backend cuda --quiet > $R/romeo_$mf.txt 2>>$R/lpcs.txt
  python3 -c "import json,sys; k='llama' if 'llama' in sys.argv[2] else 'mmfree'; w=json.load(open(sys.argv[1]))[k]['sample_greedy_ROMEO'].rstrip(chr(10)); g=open(sys.argv[3],encoding='latin-1').read().rstrip(chr(10)); print(('PASS' if g==w else 'FAIL'), k, 'greedy ROMEO sample through the cuda engine')" $S/models/metrics.json $mf $R/romeo_$mf.txt | tee -a $R/lpcs.txt
done; save
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
stamp "ncu attn_rows_k, rmsnorm_k, rope_kv4_k (layer 0)"; timeout 120 $NCU -k regex:"attn_rows_k|rmsnorm_k|rope_kv4_k" --launch-count 4 --section SpeedOfLight --section ComputeWorkloadAnalysis --section InstructionStats --section WarpStateStats --section Occupancy --section LaunchStats --section MemoryWorkloadAnalysis_Tables --print-details all $B/test_llm --no-checks --ppl > $R/ncu_attn.txt 2>&1; echo "ncu rc=$?"
grep -E '^  void|^  [a-z_0-9]+\(|Duration|Executed Instructions  |Issue Slots Busy|Registers Per Thread  |Pipe (Fma|Alu) Cycles|Data Pipe Lsu Wavefronts|DRAM Throughput|wavefronts_mem_shared_op_(ld|st)\.sum  ' $R/ncu_attn.txt | cut -c1-150 | head -50; save
stamp done; save
