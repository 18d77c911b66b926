#!/bin/sh
# Whole-token check of the analytical model against the SystemC platform:
# runs a grid in both modes (--no-nll) and prints the per-point error of
# cycles/token and energy/token (markdown row). Fails if a mean abs error
# exceeds MAXERR percent.
# Usage: models/compare_modes.sh LPCS GRID WORKDIR NAME [MAXERR]
# Fails as well when no point was compared or the two runs have different
# point counts (issue 17: a step that compares nothing must not pass).
set -eu
lpcs=$1 grid=$2 dir=$3 name=$4 maxerr=${5:-5}
mkdir -p "$dir"
for mode in analytical platform; do
    rm -f "$dir/$name.$mode.csv" "$dir/$name.$mode.csv.nll"
    "$lpcs" sweep "$grid" -o "$dir/$name.$mode.csv" --mode $mode --no-nll --quiet
done
# column by name (commas inside the quoted plan field are hidden first)
col() { awk -v name="$2" 'function unq(s,   o, i, ch, q) { o = ""; q = 0
       for (i = 1; i <= length(s); i++) { ch = substr(s, i, 1)
         if (ch == "\"") { q = !q; continue } o = o ((q && ch == ",") ? ";" : ch) } return o }
  { n = split(unq($0), f, ",") } NR == 1 { for (i = 1; i <= n; i++) if (f[i] == name) c = i; next } { print f[1], f[c] }' "$1"; }
for q in cycles_per_token energy_per_token_uJ; do
    col "$dir/$name.analytical.csv" $q > "$dir/$name.a.$q"
    col "$dir/$name.platform.csv" $q > "$dir/$name.p.$q"
done
na=$(wc -l < "$dir/$name.a.cycles_per_token"); np=$(wc -l < "$dir/$name.p.cycles_per_token")
[ "$na" -eq "$np" ] || { echo "model vs platform: $na analytical points but $np platform points"; exit 1; }
paste -d' ' "$dir/$name.a.cycles_per_token" "$dir/$name.p.cycles_per_token" "$dir/$name.a.energy_per_token_uJ" \
    "$dir/$name.p.energy_per_token_uJ" | awk -v name="$name" -v maxerr="$maxerr" '
  function abs(x) { return x < 0 ? -x : x }
  $1 != $3 { print "id mismatch " $1 " " $3; exit 2 }
  $4 == 0 || $8 == 0 { print "model vs platform: point " $1 " has a zero platform value"; bad = 1; exit 2 }
  { n++; ec = 100 * ($2 - $4) / $4; ee = 100 * ($6 - $8) / $8
    sc += abs(ec); se += abs(ee); if (abs(ec) > mc) mc = abs(ec); if (abs(ee) > me) me = abs(ee) }
  END { if (bad) exit 2
        if (n < 1) { print "model vs platform: no point compared (empty CSV?)"; exit 1 }
        printf "| %s | %d | %.2f%% | %.2f%% | %.2f%% | %.2f%% |\n", name, n, sc / n, mc, se / n, me
        if (sc / n > maxerr || se / n > maxerr) { print "model vs platform: mean error above " maxerr "%"; exit 1 } }'
