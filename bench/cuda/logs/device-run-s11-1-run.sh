#!/bin/bash
# session 10 (short form of calls 1 + 2): branch s10-all = main + s10-xc (coalesced gemm_k staging, every form) + s9-attn
# (two-launch score buffer, attn 5) + s9-gemm8 (mode 10) + s10-epi (gemm_k epilogues: residual add, w3 + SwiGLU) +
# s10-gemv (mma GEMV variants): bits, full split, PyTorch eager, test_resident, lpcs CLI, bench_gemv, main's ppl
D=.device/b10; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$D/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
R=/tmp/r; mkdir -p $R; save() { tar czf $OUT/r3.tgz -C /tmp r; }
mkdir -p /tmp/bin && tar xJf $D/bin3.tar.xz -C /tmp/bin; B=/tmp/bin/all
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader
stamp "all: test_llm checks"; timeout 120 $B/test_llm > $R/all_test_llm.txt 2>&1; echo "test_llm rc=$?"; grep -E '^FAIL|^cuda llm tests' $R/all_test_llm.txt | cut -c1-160; save
stamp "all: ppl"; timeout 90 $B/test_llm --no-checks --ppl > $R/all_ppl.txt 2>&1; echo "ppl rc=$?"; grep -E "ppl llama|per op" $R/all_ppl.txt | cut -c1-190; save
stamp "all: test_resident"; timeout 80 $B/test_resident > $R/all_test_resident.txt 2>&1; echo "test_resident rc=$?"; grep -E '^FAIL|cuda resident' $R/all_test_resident.txt | cut -c1-160; save
stamp "bench_gemv 28672x8192 (variants)"; timeout 150 $B/bench_gemv --only 28672x8192 --out $R/gemv > $R/bench_gemv.txt 2>&1; echo "bench_gemv rc=$?"; tail -3 $R/bench_gemv.txt | cut -c1-200
grep -A9 "Kernel variants" $R/gemv/bench_gemv.md | cut -c1-250; grep -E "^\| 28672x8192 \| (1|8|16) \|" $R/gemv/bench_gemv.md | head -3 | cut -c1-200; save
stamp "PyTorch eager"; timeout 60 python3 bench/cuda/torch_ppl.py $S > $R/torch_ppl.txt 2>&1; echo "torch rc=$?"; tail -2 $R/torch_ppl.txt; save
stamp "lpcs ppl / run --backend cuda (both models)"; for mf in shakespeare-llama.bin shakespeare-mmfree.safetensors; do
  /usr/bin/time -f "wall %e s" timeout 60 $B/lpcs ppl $S/models/$mf $S/data/tinyshakespeare.txt --split val --backend cuda 2>&1 | grep -E 'engine|seconds|nll=|wall|rror' | tee -a $R/lpcs.txt
  timeout 30 $B/lpcs run $S/models/$mf --prompt "ROMEO:" -n 200 --backend cuda --quiet > $R/romeo_$mf.txt 2>>$R/lpcs.txt
  python3 -c "import json,sys; k='llama' if 'llama' in sys.argv[2] else 'mmfree'; w=json.load(open(sys.argv[1]))[k]['sample_greedy_ROMEO'].rstrip(chr(10)); g=open(sys.argv[3],encoding='latin-1').read().rstrip(chr(10)); print(('PASS' if g==w else 'FAIL'), k, 'greedy ROMEO sample through the cuda engine')" $S/models/metrics.json $mf $R/romeo_$mf.txt | tee -a $R/lpcs.txt
done; save
stamp "main: ppl (baseline, same call)"; timeout 60 /tmp/bin/main/test_llm --no-checks --ppl > $R/main_ppl.txt 2>&1; grep -E "ppl llama|per op" $R/main_ppl.txt | head -2 | cut -c1-190; save
stamp done; save
