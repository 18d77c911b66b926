#!/bin/sh
# Prefill K/V staging in the SystemC platform and the analytical model
# (issue 16; arch_prefill_kv_rows): Llama-2-7B int4 on the PIM point, K/V
# caches off chip, through `lpcs workload --mode compare`, in both regimes:
#   staged:  batch 8, prompt 2048, 4 GiB SRAM: the weights on chip, the KV
#            caches not, one sequence's K/V of a layer fits what the weights
#            leave: each K/V row read from DRAM once per sequence and layer:
#            batch * layers * prompt * 2 * kv_dim * 2 B;
#   blocked: batch 2, prompt 512, 64 KiB SRAM (no weight fits): query blocks of
#            Qb = floor(65536 / (4096 * (1 + 4) + 8 * 32)) = 3 queries, each
#            block re-reads the K/V rows it attends to:
#            Qb * nb * (nb - 1) / 2 + P rows, nb = ceil(P / Qb).
# The oracles are the byte formulas written out here. The platform's prefill
# attention DRAM bytes must match them within 1% (tile rounding), and its
# cycles must agree with the model's within 1%.
set -eu
lpcs=$1 out=$2
rm -rf "$out" && mkdir -p "$out"
for c in "staged 4194304 8 2048" "blocked 64 2 512"; do
  set -- $c
  printf '{"id": "%s", "clock_ghz": 1.0, "rmmec_units": 1024, "pim_banks": 256, "sram_kib": %s, "dram_gbps": 1600}\n' \
    "$1" "$2" > "$out/$1.json"
  "$lpcs" workload models/workloads/llama2-7b.json --point "$out/$1.json" --mode compare --batch "$3" --prompt "$4" \
    > "$out/$1.md"
done
python3 - "$out" <<'P'
import math, sys
d = sys.argv[1]
L, kv_row = 32, 2 * 4096 * 2  # layers, K+V bytes per token and layer (bf16)
qb = 65536 // (4096 * (1 + 4) + 8 * 32)
nb = math.ceil(512 / qb)
want = {"staged": 8 * L * 2048 * kv_row, "blocked": 2 * L * (qb * nb * (nb - 1) // 2 + 512) * kv_row}
schedule = {"staged": "staged once", "blocked": "re-read per query block"}
def fail(m): print("platform-kv: FAIL:", m); sys.exit(1)
for name, w in want.items():
    text = open(f"{d}/{name}.md").read()
    if schedule[name] not in text.splitlines()[0]: fail(f"{name}: header does not say '{schedule[name]}'")
    rows = [l for l in text.splitlines() if l.startswith("| prefill | attention |")]
    if len(rows) != 1: fail(f"{name}: {len(rows)} prefill attention rows, want 1")
    f = [x.strip() for x in rows[0].split("|")]
    m_cyc, p_cyc, m_dram, p_dram = float(f[5]), float(f[6]), float(f[11]), float(f[12])
    if abs(p_dram / w - 1) > 0.01: fail(f"{name}: platform K/V DRAM {p_dram:.6g} B, formula {w:.6g} B")
    if abs(m_dram / w - 1) > 1e-3: fail(f"{name}: model K/V DRAM {m_dram:.6g} B, formula {w:.6g} B")
    if abs(p_cyc / m_cyc - 1) > 0.01: fail(f"{name}: platform {p_cyc:.6g} vs model {m_cyc:.6g} cycles")
    print(f"platform-kv: OK: {name}: prefill attention K/V DRAM model {m_dram:.4g} / platform {p_dram:.4g} B"
          f" (formula {w:.4g}), cycles {m_cyc:.4g} / {p_cyc:.4g}")
P
