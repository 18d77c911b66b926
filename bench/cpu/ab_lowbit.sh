#!/usr/bin/env bash
# Before/after of the low-bit cpu work (issue 18) in alternating rounds:
#   - bench_stream (STREAM-like 1 GiB read, then GEMVs at Llama-2-7B shapes)
#     of BASE and NEW, one after the other in every round;
#   - `lpcs ppl` of the HGRN-Bit model (--backend cpu) of BASE and NEW.
#
#   BASE=/path/to/build-of-an-earlier-commit bench/cpu/ab_lowbit.sh
#
# Inputs (environment): BASE (a build folder with lpcs and bench/bench_stream,
# e.g. `git archive <commit> | tar -x -C DIR && make -C DIR build/lpcs
# build/bench/bench_stream`), NEW=build, SHARED=../shared, ROUNDS=3, REPS=7
# (bench_stream reps), THREADS=1, PPL_BYTES=8192, OUT=$NEW/bench-lowbit,
# STREAM=all|int|none (bench_stream rows: every type, the integer ones, none;
# BASE's bench_stream must know `int` for STREAM=int).
# Writes $OUT/stream-{base,new}-R.md, $OUT/ppl.csv (round,program,cpu_s,wall_s,nll)
# and prints the load average before every run (the machine may be shared).
set -eu
NEW=${NEW:-build}; SHARED=${SHARED:-../shared}; ROUNDS=${ROUNDS:-3}; REPS=${REPS:-7}; THREADS=${THREADS:-1}
PPL_BYTES=${PPL_BYTES:-8192}; OUT=${OUT:-$NEW/bench-lowbit}; STREAM=${STREAM:-all}
: "${BASE:?set BASE to the build folder of the commit to compare with}"
mkdir -p "$OUT"
MM=$SHARED/models/shakespeare-mmfree.safetensors; TXT=$SHARED/data/tinyshakespeare.txt
echo "round,program,cpu_s,wall_s,nll" > "$OUT/ppl.csv"
ppl() { # program build
  local t0 c0 c1 line
  t0=$(date +%s.%N)
  line=$( { /usr/bin/time -f "%U %S" "$2/lpcs" ppl "$MM" "$TXT" --split val --max-bytes "$PPL_BYTES" --backend cpu 2>"$OUT/time.txt" | tail -1; } )
  c1=$(tail -1 "$OUT/time.txt" | awk '{print $1 + $2}')
  echo "$r,$1,$c1,$(echo "$(date +%s.%N) - $t0" | bc),${line#nll=}" | sed 's/ bytes=[0-9]*//' >> "$OUT/ppl.csv"
}
for r in $(seq 1 "$ROUNDS"); do
  for p in base new; do
    b=$BASE; [ $p = new ] && b=$NEW
    echo "round $r $p: load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M:%SZ)" >&2
    case $STREAM in
      all) "$b/bench/bench_stream" "$REPS" auto "$THREADS" > "$OUT/stream-$p-$r.md" ;;
      int) "$b/bench/bench_stream" "$REPS" auto "$THREADS" int > "$OUT/stream-$p-$r.md" ;;
    esac
    ppl $p "$b"
  done
done
cat "$OUT/ppl.csv"
