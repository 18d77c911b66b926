#!/bin/sh
# SRAM port bandwidth in the SystemC platform's timing (issue 16): Llama-2-7B
# bf16 (RMMEC) and int4 (PIM) decode with sram_bytes_per_cycle = 0 and 64 /
# 32, through `lpcs workload --mode compare`. With the limit the platform's
# decode step must be slower than without it (the port is modelled), and its
# total must agree with the analytical model's SRAM bound within 1%.
set -eu
lpcs=$1 out=$2
rm -rf "$out" && mkdir -p "$out"
n=0
for c in "rmmec 4096 0 400 --w-bits 16 --w-fmt float --batch 4 64" "pim 1024 256 1600 --batch 8 32"; do
  set -- $c; name=$1 ru=$2 pb=$3 bw=$4; shift 4
  eval "lim=\${$#}"; args=$(echo "$*" | sed 's/ [0-9]*$//')
  for s in 0 "$lim"; do
    printf '{"id": "%s", "clock_ghz": 1.0, "rmmec_units": %s, "pim_banks": %s, "sram_kib": 65536, "dram_gbps": %s, "sram_bytes_per_cycle": %s}\n' \
      "$name-$s" "$ru" "$pb" "$bw" "$s" > "$out/$name-$s.json"
    # shellcheck disable=SC2086
    "$lpcs" workload models/workloads/llama2-7b.json --point "$out/$name-$s.json" --mode compare --prompt 256 $args \
      | grep '| decode step | \*\*total\*\*' > "$out/$name-$s.txt"
  done
  python3 - "$out/$name-0.txt" "$out/$name-$lim.txt" "$name" "$lim" <<'P' || exit 1
import sys
def cols(p):
    f = [x.strip() for x in open(p).read().split("|")]
    return float(f[5]), float(f[6]), float(f[7].rstrip("%"))  # model cycles, platform cycles, err %
m0, p0, _ = cols(sys.argv[1])
m1, p1, err = cols(sys.argv[2])
name, lim = sys.argv[3], sys.argv[4]
if not p1 > p0 * 1.01: print(f"platform-sram: FAIL: {name}: {lim} B/cycle SRAM port does not slow the platform ({p0:.4g} -> {p1:.4g} cycles)"); sys.exit(1)
if abs(err) > 1: print(f"platform-sram: FAIL: {name}: platform {p1:.4g} vs model {m1:.4g} cycles ({err:+.2f}%) under the SRAM bound"); sys.exit(1)
print(f"platform-sram: OK: {name} decode step {p0:.4g} -> {p1:.4g} cycles with a {lim} B/cycle port; model {m1:.4g} ({err:+.2f}%)")
P
  n=$((n + 1))
done
[ "$n" -eq 2 ] || { echo "platform-sram: FAIL: $n of 2 cases compared"; exit 1; }
