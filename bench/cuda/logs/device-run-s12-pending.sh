#!/bin/bash
# session 12, first call (pending; written at the end of session 11): branch s12-cs = main after session 11
# (47.2 ms default) + matmul mode 15 (opt-in: gemm_k's conflict-free staging stores, not yet run on a GPU).
# Carry .device/b14 = bin.tar.xz (stripped test_llm, test_resident, lpcs of s12-cs under main/), lib/ (libjansson,
# libsystemc), shared/ (models + data). Rebuild on a new machine: make -j2 cuda, strip, tar cJf.
# Measures: set_fuse 7 (no many-row folds, decode folds on) against the default; 7B bf16 prefill / decode with the
# unchecked gemm_k; ncu of the unchecked gemm_k (registers, spills, instruction mix); PyTorch eager.
D=.device/b14; S=$D/shared; export LD_LIBRARY_PATH=$PWD/$D/lib LPCS_SHARED=$PWD/$S
t0=$(date +%s); stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
R=/tmp/r; mkdir -p $R; save() { tar czf $OUT/r.tgz -C /tmp r; }
mkdir -p /tmp/bin && tar xJf $D/bin.tar.xz -C /tmp/bin; B=/tmp/bin/main
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
for i in 1 2; do stamp "ppl round $i"; timeout 60 $B/test_llm --no-checks --ppl > $R/ppl_$i.txt 2>&1
grep -E "ppl llama" $R/ppl_$i.txt | grep -E 'mode (0|15)' | sed 's/436 windows in one batch: //' | cut -c1-140; save; done
stamp "PyTorch eager"; timeout 60 python3 bench/cuda/torch_ppl.py $S > $R/torch_ppl.txt 2>&1; tail -2 $R/torch_ppl.txt; save
stamp "7B bf16 decode / prefill"; timeout 150 $B/test_llm --no-checks --bench7b-bf16 > $R/bench7b.txt 2>&1; echo "rc=$?"
grep -E "decode batch|prefill|bench7b" $R/bench7b.txt | cut -c1-170 | head -12; save
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
stamp "ncu gemm_k (layer 0: q, k)"; timeout 90 $NCU -k regex:gemm_k --launch-count 2 --section SpeedOfLight --section ComputeWorkloadAnalysis --section InstructionStats --section WarpStateStats --section Occupancy --section LaunchStats --section MemoryWorkloadAnalysis_Tables --print-details all $B/test_llm --no-checks --ppl > $R/ncu_gemm_k.txt 2>&1; echo "ncu rc=$?"
grep -E '^  void|Duration|Executed Instructions  |Issue Slots Busy|Registers Per Thread  |Pipe (Fma|Alu) Cycles|wavefronts_mem_shared_op_(ld|st)\.sum  ' $R/ncu_gemm_k.txt | cut -c1-150 | head -24; save
stamp "test_llm checks (mode 15, the 300-row split of mode 14)"; timeout 100 $B/test_llm > $R/test_llm.txt 2>&1; echo "test_llm rc=$?"; grep -E '^FAIL|^cuda llm tests' $R/test_llm.txt | cut -c1-160; save
stamp done; save
