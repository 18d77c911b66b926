#!/bin/bash
# Formal check that one mutant equals the design (issue 17): yosys builds the
# unit twice from the same RTL, applies mutant ID of LIST to one copy only, and
# runs equiv_make / equiv_struct / equiv_simple -seq 2 / equiv_induct -seq 2.
# "proven" = every $equiv cell (each register and output matched by name)
# proven; otherwise the unproven signals are printed (an unproven signal can
# still be harmless, e.g. a wire no logic reads: read the list). Negative
# control: a killed mutant must come out unproven.
# Usage: equiv_check.sh "PREP" LIST ID [TIMEOUT_S]
#   PREP  the unit's yosys commands that read and flatten it (MUT_U_PREP)
set -u
prep=$1 list=$2 id=$3 tmo=${4:-600}
top=$(echo "$prep" | sed -n 's/.*hierarchy -top \([A-Za-z0-9_]*\).*/\1/p')
line=$(grep '^mutate' "$list" | sed -n "${id}p")
[ -n "$line" ] && [ -n "$top" ] || { echo "equiv_check: no mutant $id in $list or no top in PREP"; exit 2; }
log=$(mktemp); trap 'rm -f "$log"' EXIT
timeout "$tmo" yosys -p "$prep; async2sync; copy $top gold; $line; rename $top gate; equiv_make gold gate equiv; \
  hierarchy -top equiv; equiv_struct; equiv_simple -short -seq 2; equiv_induct -seq 2; equiv_status" >"$log" 2>&1
rc=$?
[ $rc -eq 124 ] && { echo "mutant $id: no verdict in $tmo s"; exit 3; }
[ $rc -eq 0 ] || { echo "mutant $id: yosys failed"; tail -5 "$log"; exit 2; }
sum=$(grep 'Of those cells' "$log" | tail -1)
if grep -q 'and 0 are unproven' <<<"$sum"; then echo "mutant $id: proven equivalent ($sum)"; exit 0; fi
echo "mutant $id: NOT proven ($sum)"; grep 'Unproven' "$log" | awk '{print $4, $5}' | head -20
exit 1
