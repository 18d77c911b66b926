#!/bin/sh
# Pareto plots of a sweep CSV with gnuplot (PNG via pngcairo, and SVG):
#   NAME_energy.{png,svg}: NLL vs energy/token (colour = area), front in red
#   NAME_area.{png,svg}  : NLL vs area (colour = energy/token), front in red
#   NAME_hw.{png,svg}    : energy/token vs area (colour = NLL), front in red
# Points on the 3-objective front (no other point is at least as good in
# NLL, energy and area, and better in one) are listed in NAME_front.csv.
# Usage: models/pareto.sh SWEEP.csv OUTDIR NAME "TITLE"
set -eu
csv=$1 out=$2 name=$3 title=${4:-$3}
mkdir -p "$out"
dat="$out/$name.dat"
# id nll energy area tokens/s plan (plan strings are quoted and may hold commas)
# (mawk has no FPAT: commas inside quotes become ';' before splitting)
awk 'function unq(s,   o, i, ch, q) { o = ""; q = 0
       for (i = 1; i <= length(s); i++) { ch = substr(s, i, 1)
         if (ch == "\"") { q = !q; continue } o = o ((q && ch == ",") ? ";" : ch) } return o }
  { $0 = unq($0); n = split($0, f, ",") }
  NR == 1 { for (i = 1; i <= n; i++) c[f[i]] = i; next }
  f[c["nll"]] != "nan" { print f[c["id"]], f[c["nll"]], f[c["energy_per_token_uJ"]], f[c["area_mm2"]], f[c["tokens_per_s"]], f[c["plan"]] }' "$csv" > "$dat"
[ -s "$dat" ] || { echo "pareto: no rows with an NLL in $csv" >&2; exit 1; }
front2() { # x column -> front of (x, nll), both minimised
    sort -g -k"$1","$1" -k2,2 "$dat" | awk -v k="$1" 'BEGIN { best = 1e300 } $2 < best { best = $2; print }'
}
front2 3 > "$out/${name}_front_energy.dat"
front2 4 > "$out/${name}_front_area.dat"
# energy vs area (both minimised)
sort -g -k4,4 -k3,3 "$dat" | awk 'BEGIN { best = 1e300 } $3 < best { best = $3; print }' > "$out/${name}_front_hw.dat"
awk 'NR == FNR { n++; id[n] = $1; a[n] = $2; b[n] = $3; c[n] = $4; line[n] = $0; next } END {
  print "id,nll,energy_per_token_uJ,area_mm2,tokens_per_s,plan"
  for (i = 1; i <= n; i++) { dom = 0
    for (j = 1; j <= n && !dom; j++) if (j != i && a[j] <= a[i] && b[j] <= b[i] && c[j] <= c[i] &&
        (a[j] < a[i] || b[j] < b[i] || c[j] < c[i])) dom = 1
    if (!dom) { split(line[i], f, " "); gsub(";", ",", f[6]); printf "%s,%s,%s,%s,%s,\"%s\"\n", f[1], f[2], f[3], f[4], f[5], f[6] } } }' "$dat" > "$out/${name}_front.csv"
for term in png svg; do
    if [ $term = png ]; then t='pngcairo size 1000,700 enhanced font "DejaVu Sans,11"'; else t='svg size 1000,700 enhanced font "DejaVu Sans,11"'; fi
    gnuplot <<GP
set terminal $t
set datafile separator " "
set grid
set key top right box opaque
set logscale x
set ylabel "NLL (nats/byte, validation slice)"
set palette rgb 33,13,10
set output "$out/${name}_energy.$term"
set title "$title: NLL vs energy per token (colour: area mm^2)"
set xlabel "energy per token (uJ, log scale)"
set cblabel "area (mm^2)"
plot "$dat" using 3:2:4 with points pt 7 ps 1.2 palette title "design points", \
     "$out/${name}_front_energy.dat" using 3:2 with linespoints lw 2 lc rgb "red" pt 6 ps 2 title "Pareto front"
set output "$out/${name}_area.$term"
set title "$title: NLL vs area (colour: energy per token, uJ)"
set xlabel "area (mm^2, log scale)"
set cblabel "energy per token (uJ)"
plot "$dat" using 4:2:3 with points pt 7 ps 1.2 palette title "design points", \
     "$out/${name}_front_area.dat" using 4:2 with linespoints lw 2 lc rgb "red" pt 6 ps 2 title "Pareto front"
set output "$out/${name}_hw.$term"
set title "$title: energy per token vs area (colour: NLL)"
set logscale y
set xlabel "area (mm^2, log scale)"
set ylabel "energy per token (uJ, log scale)"
set cblabel "NLL (nats/byte)"
plot "$dat" using 4:3:2 with points pt 7 ps 1.2 palette title "design points", \
     "$out/${name}_front_hw.dat" using 4:3 with linespoints lw 2 lc rgb "red" pt 6 ps 2 title "Pareto front (any NLL)"
GP
done
echo "pareto: $(wc -l < "$dat") points, $(($(wc -l < "$out/${name}_front.csv") - 1)) on the NLL/energy/area front -> $out/${name}_{energy,area,hw}.{png,svg}"
