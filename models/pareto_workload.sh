#!/bin/sh
# Pareto plots of a shape-only workload sweep CSV (`lpcs sweep` on a workload
# grid; gnuplot, PNG + SVG), one per phase: tokens/s per mm^2 (maximised) vs
# energy per token (minimised), colour = the accuracy proxy nll_proxy_shipped
# (minimised; rows without one are left out of the front).
#   NAME_decode.{png,svg}, NAME_prefill.{png,svg}: all points by NLL proxy,
#   the 3-objective front circled;
#   NAME_decode_front.csv, NAME_prefill_front.csv: the front's rows.
# Prefill tokens/s = batch * prompt / time to first token.
# Usage: models/pareto_workload.sh SWEEP.csv OUTDIR NAME "TITLE"
set -eu
csv=$1 out=$2 name=$3 title=${4:-$3}
mkdir -p "$out"
for phase in decode prefill; do
    dat="$out/${name}_$phase.dat"
    # index workload x=energy/token y=tokens/s/mm^2 nll w_bits point (the quoted point_json is the last column: cut it off)
    awk -F, -v ph="$phase" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
      { if (ph == "decode") { x = $c["energy_per_token_j"]; y = $c["tokens_per_s_per_mm2"] }
        else { x = $c["prefill_energy_per_token_j"]; y = $c["prefill_tokens_per_s_per_mm2"] }
        n = ("nll_proxy_shipped" in c) ? $c["nll_proxy_shipped"] : "nan"
        if (n == "nan" || n == "-nan") next
        print $c["index"], $c["workload"], x, y, n, $c["w_bits"] $c["w_fmt"], $c["point"] }' "$csv" > "$dat"
    [ -s "$dat" ] || { echo "pareto_workload: no rows with an NLL proxy in $csv" >&2; exit 1; }
    # 3-objective front (min energy, max throughput density, min NLL): sort by energy, then a point
    # is kept when no kept point with less energy is at least as good on both others
    sort -k3,3g -k4,4gr -k5,5g "$dat" | awk '{ dom = 0; for (i = 0; i < n; i++) if (y[i] >= $4 && l[i] <= $5) { dom = 1; break }
        if (!dom) { y[n] = $4 + 0; l[n] = $5 + 0; n++; print } }' > "$out/${name}_${phase}_front.dat"
    { echo "index,workload,energy_per_token_j,tokens_per_s_per_mm2,nll_proxy_shipped,w_format,point"; tr ' ' , < "$out/${name}_${phase}_front.dat"; } > "$out/${name}_${phase}_front.csv"
    for term in png svg; do
        if [ $term = png ]; then t="pngcairo size 900,600"; else t="svg size 900,600"; fi
        gnuplot <<G
set terminal $t
set output "$out/${name}_$phase.$term"
set title "$title: $phase (shape only; colour = NLL proxy of the weight format)"
set logscale xy
set xlabel "energy per token (J)"
set ylabel "tokens/s per mm^2"
set cblabel "NLL proxy (shipped llama, nats/byte)"
set palette defined (0 "#1a9850", 1 "#fee08b", 2 "#d73027")
set key top right
plot "$dat" using 3:4:5 with points pt 7 ps 0.3 lc palette title "points", \
     "$out/${name}_${phase}_front.dat" using 3:4 with points pt 6 ps 1.2 lc rgb "black" title "Pareto front (energy, tokens/s/mm^2, NLL)"
G
    done
done
echo "pareto_workload: $(wc -l < "$out/${name}_decode_front.dat") decode and $(wc -l < "$out/${name}_prefill_front.dat") prefill front points in $out"
