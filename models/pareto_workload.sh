#!/bin/sh
# Pareto plots of an `lpcs workload --sweep` CSV (gnuplot, PNG + SVG), one per
# phase: tokens/s per mm^2 (maximised) vs energy per token (minimised).
#   NAME_decode.{png,svg}, NAME_prefill.{png,svg}: all points grey, front red;
#   NAME_decode_front.csv, NAME_prefill_front.csv: the front's rows.
# Prefill tokens/s = batch * prompt / time to first token.
# Usage: models/pareto_workload.sh SWEEP.csv OUTDIR NAME "TITLE"
set -eu
csv=$1 out=$2 name=$3 title=${4:-$3}
mkdir -p "$out"
for phase in decode prefill; do
    dat="$out/${name}_$phase.dat"
    # index workload x=energy/token y=tokens/s/mm^2 (the quoted point_json is the last column: cut it off)
    awk -F, -v ph="$phase" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
      { if (ph == "decode") { x = $c["energy_per_token_j"]; y = $c["tokens_per_s_per_mm2"] }
        else { x = $c["prefill_energy_per_token_j"]; y = $c["batch"] * $c["prompt"] / $c["ttft_s"] / $c["area_mm2"] }
        print $c["index"], $c["workload"], x, y }' "$csv" > "$dat"
    [ -s "$dat" ] || { echo "pareto_workload: no rows in $csv" >&2; exit 1; }
    # front: sorted by energy ascending, keep points with a higher throughput density than all cheaper ones
    sort -k3,3g -k4,4gr "$dat" | awk 'BEGIN { best = -1 } $4 > best { best = $4; print }' > "$out/${name}_${phase}_front.dat"
    { echo "index,workload,energy_per_token_j,tokens_per_s_per_mm2"; tr ' ' , < "$out/${name}_${phase}_front.dat"; } > "$out/${name}_${phase}_front.csv"
    for term in png svg; do
        if [ $term = png ]; then t="pngcairo size 900,600"; else t="svg size 900,600"; fi
        gnuplot <<G
set terminal $t
set output "$out/${name}_$phase.$term"
set title "$title: $phase (analytical, shape only)"
set logscale xy
set xlabel "energy per token (J)"
set ylabel "tokens/s per mm^2"
set key top right
plot "$dat" using 3:4 with points pt 7 ps 0.3 lc rgb "#999999" title "points", \
     "$out/${name}_${phase}_front.dat" using 3:4 with linespoints pt 7 ps 0.8 lc rgb "red" title "Pareto front"
G
    done
done
echo "pareto_workload: $(wc -l < "$out/${name}_decode_front.dat") decode and $(wc -l < "$out/${name}_prefill_front.dat") prefill front points in $out"
