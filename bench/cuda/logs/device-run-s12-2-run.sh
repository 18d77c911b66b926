#!/bin/bash
# session 12, call 2: a = branch s12-lw (defaults: gemm_k's CS staging stores + the M % 32 split, both checked in
# call 1; mode 16 = 4 contract lanes a warp, opt-in), b = s12-lw-def (the same with mode 16's form by default).
# Bits first (test_llm, test_resident, lpcs CLI), then the full split in alternating rounds, ncu of b's gemm_k,
# 7B bf16 prefill through b's gemm_k.
D=.device/b15; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$D/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
R=/tmp/r; mkdir -p $R; save() { tar czf $OUT/r.tgz -C /tmp r; }
mkdir -p /tmp/bin && tar xJf $D/bin.tar.xz -C /tmp/bin
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
for v in b a; do B=/tmp/bin/$v
stamp "$v: test_llm checks"; timeout 100 $B/test_llm > $R/test_llm_$v.txt 2>&1; echo "test_llm rc=$?"; grep -E '^FAIL|^cuda llm tests' $R/test_llm_$v.txt | cut -c1-160; save
stamp "$v: test_resident"; timeout 90 $B/test_resident > $R/test_resident_$v.txt 2>&1; echo "test_resident rc=$?"; grep -E '^FAIL|cuda resident' $R/test_resident_$v.txt | cut -c1-160; save
done
for i in 1 2; do for v in a b; do B=/tmp/bin/$v
stamp "$v ppl round $i"; timeout 60 $B/test_llm --no-checks --ppl > $R/ppl_${v}_$i.txt 2>&1
grep -E "ppl llama" $R/ppl_${v}_$i.txt | grep -E 'mode (0: |0, no folds|0, neither|1[5-8])' | sed 's/436 windows in one batch: //' | cut -c1-140; save
done; done
stamp "PyTorch eager"; timeout 60 python3 bench/cuda/torch_ppl.py $S > $R/torch_ppl.txt 2>&1; tail -2 $R/torch_ppl.txt; save
B=/tmp/bin/b
stamp "b: lpcs ppl / run --backend cuda (both models)"; for mf in shakespeare-llama.bin shakespeare-mmfree.safetensors; do
  /usr/bin/time -f "wall %e s" timeout 60 $B/lpcs ppl $S/models/$mf $S/data/tinyshakespeare.txt --split val --backend cuda 2>&1 | grep -E 'engine|seconds|nll=|wall|rror' | tee -a $R/lpcs.txt
  timeout 30 $B/lpcs run $S/models/$mf --prompt "ROMEO:" -n 200 --backend cuda --quiet > $R/romeo_$mf.txt 2>>$R/lpcs.txt
  python3 -c "import json,sys; k='llama' if 'llama' in sys.argv[2] else 'mmfree'; w=json.load(open(sys.argv[1]))[k]['sample_greedy_ROMEO'].rstrip(chr(10)); g=open(sys.argv[3],encoding='latin-1').read().rstrip(chr(10)); print(('PASS' if g==w else 'FAIL'), k, 'greedy ROMEO sample through the cuda engine')" $S/models/metrics.json $mf $R/romeo_$mf.txt | tee -a $R/lpcs.txt
done; save
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
stamp "ncu b's gemm_k (layer 0: q, k)"; timeout 90 $NCU -k regex:gemm_k --launch-count 2 --section SpeedOfLight --section ComputeWorkloadAnalysis --section InstructionStats --section WarpStateStats --section Occupancy --section LaunchStats --section MemoryWorkloadAnalysis_Tables --print-details all $B/test_llm --no-checks --ppl > $R/ncu_gemm_k.txt 2>&1; echo "ncu rc=$?"
grep -E '^  void|Duration|Executed Instructions  |Issue Slots Busy|Registers Per Thread  |Pipe (Fma|Alu) Cycles|Data Pipe Lsu Wavefronts|wavefronts_mem_shared_op_(ld|st)\.sum  ' $R/ncu_gemm_k.txt | cut -c1-150 | head -24; save
stamp "b: 7B bf16 prefill / decode"; timeout 150 $B/test_llm --no-checks --bench7b-bf16 > $R/bench7b.txt 2>&1; echo "rc=$?"
grep -E "bf16 decode batch  1|prefill" $R/bench7b.txt | cut -c1-170 | head -6; save
stamp done; save
