#!/usr/bin/env bash
# lpcs cpu backend vs llama2.c run.c and llama.cpp, alternating rounds, median.
#
#   bench/cpu/run_bench.sh            (from the repository root, after `make`)
#
# Inputs (environment):
#   BUILD=build  SHARED=../shared  ROUNDS=5  OUT=$BUILD/bench-cpu  N7B=16 (tokens per 7B-shape run)
#   RUNC_DIR     a checkout of github.com/karpathy/llama2.c (run.c is built from it
#                into $OUT: `runfast` = its Makefile's flags, gcc -Ofast; `native` =
#                gcc -Ofast -march=native); never committed
#   LLAMA_SRC    a llama.cpp source tree of the pinned release (for llama.h; the npm
#                package node-llama-cpp ships it as llama/gitRelease.bundle)
#   LLAMA_LIB_DIR  its prebuilt libraries (libllama*.so, libggml*.so)
#   GGUF_DIR     where shakespeare-f32.gguf and l7b-f32.gguf (the checkpoints below
#                in GGUF F32) are, or are written by `lpcs convert` if missing
#                (default $OUT); the Q8_0 and Q4_0 files are made from them with
#                llama.cpp's own quantizer (llama_model_quantize) if missing
#   L7B          llama2.c checkpoint of Llama-2-7B layer shapes (made with
#                bench/cpu/gen_llama_shape if missing: 1 layer, 0.8 GB)
#   STREAM=0     skip the bench_stream tables at the end
#   ROUND_BUDGET_S  no new round starts after this many seconds of the script (default:
#                none; every round a complete set, so the medians stay alternating)
#   SUITE=all    or `fp32-decode`: only the shakespeare fp32 one-thread decode rows
#                (lpcs, run.c runfast and native, llama.cpp F32), for more rounds
#                in less time; or `lut`: only the low-bit rows of the LUT kernel
#                (see lut_round below)
# Anchors that are not given are skipped (and say so).
#
# Per round, programs alternate; every program reports wall tok/s and tokens per
# CPU-second (process CPU time: steadier on a shared machine). Writes
# $OUT/results.csv (round,program,model,threads,metric,value) and
# $OUT/summary.md (medians).
set -eu
BUILD=${BUILD:-build}; SHARED=${SHARED:-../shared}; ROUNDS=${ROUNDS:-5}; OUT=${OUT:-$BUILD/bench-cpu}; N7B=${N7B:-16}
SUITE=${SUITE:-all}
GGUF_DIR=${GGUF_DIR:-$OUT}
mkdir -p "$OUT"
# BUILD may be a snapshot of the binaries (so rebuilding the tree cannot disturb a run)
[ -x "$BUILD/lpcs" ] && [ -x "$BUILD/bench/bench_stream" ] || make --no-print-directory -s BUILD="$BUILD" "$BUILD/lpcs" "$BUILD/bench/bench_stream" >&2
M=$SHARED/models/shakespeare-llama.bin; TOK=$SHARED/models/tok-bytes.bin; MM=$SHARED/models/shakespeare-mmfree.safetensors
L7B=${L7B:-$OUT/l7b-1layer.bin}
csv=$OUT/results.csv
echo "round,program,model,threads,metric,value" > "$csv"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores, flags: $(grep -m1 -o 'avx512f\|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"

[ "$SUITE" = fp32-decode ] || [ -f "$L7B" ] || { gcc -O2 -o "$OUT/gen_llama_shape" bench/cpu/gen_llama_shape.c -lm && "$OUT/gen_llama_shape" "$L7B" 1; }
[ -f "$GGUF_DIR/shakespeare-f32.gguf" ] || "$BUILD/lpcs" convert "$M" "$GGUF_DIR/shakespeare-f32.gguf" --tokenizer "$TOK"
[ "$SUITE" = fp32-decode ] || [ -f "$GGUF_DIR/l7b-f32.gguf" ] || "$BUILD/lpcs" convert "$L7B" "$GGUF_DIR/l7b-f32.gguf" --tokenizer "$TOK"

runc=""; native=""
if [ -n "${RUNC_DIR:-}" ]; then
  gcc -Ofast -o "$OUT/runfast" "$RUNC_DIR/run.c" -lm && runc=$OUT/runfast
  gcc -Ofast -march=native -o "$OUT/runnative" "$RUNC_DIR/run.c" -lm && native=$OUT/runnative
  echo "run.c: $(cat "$RUNC_DIR/COMMIT" 2>/dev/null || git -C "$RUNC_DIR" rev-parse HEAD 2>/dev/null || echo 'commit unknown')"
else
  echo "SKIP: run.c (set RUNC_DIR)"
fi
lcb=""
if [ -n "${LLAMA_SRC:-}" ] && [ -n "${LLAMA_LIB_DIR:-}" ]; then
  lib=$(ls "$LLAMA_LIB_DIR"/libllama.v*.so "$LLAMA_LIB_DIR"/libllama.so 2>/dev/null | head -1); ggml=$(ls "$LLAMA_LIB_DIR"/libggml.*so "$LLAMA_LIB_DIR"/libggml.so 2>/dev/null | head -1)
  gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$LLAMA_SRC/include" -I"$LLAMA_SRC/ggml/include" bench/cpu/llamacpp_bench.c \
    -o "$OUT/llamacpp_bench" "$lib" "$ggml" "$LLAMA_LIB_DIR/libggml-base.so" -Wl,-rpath,"$LLAMA_LIB_DIR" && lcb=$OUT/llamacpp_bench
  export LLAMA_LIB_DIR
  echo "llama.cpp: $(cat "$LLAMA_SRC/COMMIT" 2>/dev/null || git -C "$LLAMA_SRC" rev-parse HEAD 2>/dev/null || echo 'commit unknown'), libraries $(basename "$lib")"
  for g in shakespeare l7b; do
    [ "$SUITE" = fp32-decode ] && continue
    [ -f "$GGUF_DIR/$g-q8_0.gguf" ] || "$lcb" quantize "$GGUF_DIR/$g-f32.gguf" "$GGUF_DIR/$g-q8_0.gguf" q8_0
  done
  [ "$SUITE" = fp32-decode ] || [ -f "$GGUF_DIR/l7b-q4_0.gguf" ] || "$lcb" quantize "$GGUF_DIR/l7b-f32.gguf" "$GGUF_DIR/l7b-q4_0.gguf" q4_0
  for q in tq1_0 tq2_0; do
    [ "$SUITE" = lut ] && { [ -f "$GGUF_DIR/l7b-$q.gguf" ] || "$lcb" quantize "$GGUF_DIR/l7b-f32.gguf" "$GGUF_DIR/l7b-$q.gguf" $q; }
  done
else
  echo "SKIP: llama.cpp (set LLAMA_SRC and LLAMA_LIB_DIR)"
fi

rec() { echo "$1,$2,$3,$4,$5,$6" >> "$csv"; }
# lpcs bench: decode from BOS; prints tokens/s and tokens per CPU-second.
lpcs() { # round name model file n threads [args]
  local r=$1 name=$2 mod=$3 f=$4 n=$5 th=$6; shift 6
  local o; o=$("$BUILD/lpcs" bench "$f" --tokenizer "$TOK" --backend cpu -n "$n" --repeat 1 --warmup 1 --threads "$th" --quiet "$@")
  rec "$r" "$name" "$mod" "$th" tok_s "$(echo "$o" | awk '/^tokens\/s:/ {print $2}')"
  rec "$r" "$name" "$mod" "$th" tok_cpu_s "$(echo "$o" | awk '/^tokens per CPU-second:/ {print $4}')"
}
lpcs_prefill() { # round model file n: one n-token prompt as a batched prefill, 3 times
  local o; o=$("$BUILD/lpcs" bench "$3" --tokenizer "$TOK" --backend cpu -n 1 --repeat 3 --warmup 1 --prefill "$4" --quiet)
  rec "$1" lpcs-fp32-prompt "$2" 1 tok_s "$(echo "$o" | awk '/^prefill tokens\/s:/ {print $3}')"
  rec "$1" lpcs-fp32-prompt "$2" 1 tok_cpu_s "$(echo "$o" | awk '/^prefill tokens per CPU-second:/ {print $5}')"
}
# run.c: its own "achieved tok/s" (wall, excludes the first token) and CPU time of the whole process.
# (bash's `time`: user and system time of the child, as /usr/bin/time, which some machines lack)
runc_run() { # round name model file n exe
  local r=$1 name=$2 mod=$3 f=$4 n=$5 exe=$6 TIMEFORMAT='cputime %U %S'
  { time "$exe" "$f" -z "$TOK" -t 0 -n "$n" -i "" >/dev/null 2>"$OUT/runc.err"; } 2>"$OUT/time.txt"
  rec "$r" "$name" "$mod" 1 tok_s "$(awk '/achieved tok\/s/ {print $3}' "$OUT/runc.err")"
  rec "$r" "$name" "$mod" 1 tok_cpu_s "$(awk -v n="$n" '/^cputime/ {printf "%.2f", n / ($2 + $3)}' "$OUT/time.txt")"
}
llcpp() { # round name model gguf mode n threads
  local o; o=$("$lcb" "$5" "$4" "$6" "$7")
  rec "$1" "$2" "$3" "$7" tok_s "$(echo "$o" | awk '/^tok\/s:/ {print $2}')"
  rec "$1" "$2" "$3" "$7" tok_cpu_s "$(echo "$o" | awk '/^tok\/cpu-s:/ {print $2}')"
}

# ---- SUITE=lut: the LUT kernel (plan keyword lut, kernels/lut_gemv_cpu) at
# 7B layer shapes against the int_cpu kernels (plan intdot) and llama.cpp's
# ternary TQ1_0 / TQ2_0 and Q4_0; the HGRN-Bit (mmfree) decode, whose
# ternary GEMV picks the LUT kernel on AVX2 CPUs without AVX-512 VNNI.
# w=int2 codes are {-1, 0, 1} (absmax scale): the ternary plan of a llama model.
lut_round() { # round
  lpcs "$1" lpcs-int2-lut l7b "$L7B" "$N7B" 1 --plan w=int2,lut
  lpcs "$1" lpcs-int2-intdot l7b "$L7B" "$N7B" 1 --plan w=int2,intdot
  [ -n "$lcb" ] && llcpp "$1" llamacpp-tq1_0 l7b "$GGUF_DIR/l7b-tq1_0.gguf" decode "$N7B" 1
  [ -n "$lcb" ] && llcpp "$1" llamacpp-tq2_0 l7b "$GGUF_DIR/l7b-tq2_0.gguf" decode "$N7B" 1
  lpcs "$1" lpcs-int4-lut l7b "$L7B" "$N7B" 1 --plan w=int4,lut
  lpcs "$1" lpcs-int4-intdot l7b "$L7B" "$N7B" 1 --plan w=int4,intdot
  [ -n "$lcb" ] && llcpp "$1" llamacpp-q4_0 l7b "$GGUF_DIR/l7b-q4_0.gguf" decode "$N7B" 1
  lpcs "$1" lpcs-ternary mmfree "$MM" 256 1
  lpcs "$1" lpcs-int2-lut l7b "$L7B" "$N7B" 2 --plan w=int2,lut
}

for r in $(seq 1 "$ROUNDS"); do
  if [ -n "${ROUND_BUDGET_S:-}" ] && [ "$SECONDS" -ge "$ROUND_BUDGET_S" ]; then
    echo "round budget ${ROUND_BUDGET_S}s reached after $((r - 1)) rounds" >&2; break
  fi
  echo "round $r/$ROUNDS (load $(cut -d' ' -f1 /proc/loadavg), ${SECONDS}s)" >&2
  if [ "$SUITE" = lut ]; then lut_round "$r"; continue; fi
  lpcs "$r" lpcs-fp32 shakespeare "$M" 256 1
  [ -n "$runc" ] && runc_run "$r" runc-runfast shakespeare "$M" 256 "$runc"
  [ -n "$lcb" ] && llcpp "$r" llamacpp-f32 shakespeare "$GGUF_DIR/shakespeare-f32.gguf" decode 256 1
  [ -n "$native" ] && runc_run "$r" runc-native shakespeare "$M" 256 "$native"
  [ "$SUITE" = fp32-decode ] && continue
  lpcs "$r" lpcs-int8-intdot shakespeare "$M" 256 1 --plan w=int8,intdot
  [ -n "$lcb" ] && llcpp "$r" llamacpp-q8_0 shakespeare "$GGUF_DIR/shakespeare-q8_0.gguf" decode 256 1
  lpcs_prefill "$r" shakespeare "$M" 255
  lpcs "$r" lpcs-ternary mmfree "$MM" 256 1
  [ -n "$lcb" ] && llcpp "$r" llamacpp-f32-prompt shakespeare "$GGUF_DIR/shakespeare-f32.gguf" prompt 255 1
  lpcs "$r" lpcs-fp32 shakespeare "$M" 256 2
  lpcs "$r" lpcs-fp32-nospin shakespeare "$M" 256 2 --no-spin
  [ -n "$lcb" ] && llcpp "$r" llamacpp-f32 shakespeare "$GGUF_DIR/shakespeare-f32.gguf" decode 256 2
  # 7B layer shapes: N7B tokens (weights stream from DRAM every token)
  lpcs "$r" lpcs-fp32 l7b "$L7B" "$N7B" 1
  [ -n "$lcb" ] && llcpp "$r" llamacpp-f32 l7b "$GGUF_DIR/l7b-f32.gguf" decode "$N7B" 1
  [ -n "$runc" ] && runc_run "$r" runc-runfast l7b "$L7B" "$N7B" "$runc"
  lpcs "$r" lpcs-bf16 l7b "$L7B" "$N7B" 1 --plan w=bf16
  lpcs "$r" lpcs-int8-intdot l7b "$L7B" "$N7B" 1 --plan w=int8,intdot
  [ -n "$lcb" ] && llcpp "$r" llamacpp-q8_0 l7b "$GGUF_DIR/l7b-q8_0.gguf" decode "$N7B" 1
  lpcs "$r" lpcs-int4-intdot l7b "$L7B" "$N7B" 1 --plan w=int4,intdot
  [ -n "$lcb" ] && llcpp "$r" llamacpp-q4_0 l7b "$GGUF_DIR/l7b-q4_0.gguf" decode "$N7B" 1
  lpcs "$r" lpcs-fp32 l7b "$L7B" "$N7B" 2
  lpcs "$r" lpcs-int8-intdot l7b "$L7B" "$N7B" 2 --plan w=int8,intdot
  lpcs "$r" lpcs-int8-intdot-nospin l7b "$L7B" "$N7B" 2 --plan w=int8,intdot --no-spin
done
# weight streaming at 7B shapes vs the measured read bandwidth, 1 and 2 threads
[ "$SUITE" = lut ] && [ "${STREAM:-1}" != 0 ] && for th in 1 2; do
  echo "stream (int and LUT kernels), $th thread(s) (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  "$BUILD/bench/bench_stream" "${STREAM_REPS:-9}" auto "$th" int > "$OUT/stream-lut-${th}t.md"
done
[ "$SUITE" = fp32-decode ] || [ "$SUITE" = lut ] || [ "${STREAM:-1}" = 0 ] || for th in 1 2; do
  echo "stream, $th thread(s) (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  "$BUILD/bench/bench_stream" "${STREAM_REPS:-9}" auto "$th" > "$OUT/stream-${th}t.md"
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
python3 - "$csv" > "$OUT/summary.md" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
keys = []
for r in rows:
    k = (r['model'], r['program'], r['threads'])
    if k not in keys: keys.append(k)
print('| model | program | threads | tok/s wall (median) | tok/CPU-s (median) | rounds |')
print('|---|---|---|---|---|---|')
for k in keys:
    v = {m: [float(r['value']) for r in rows if (r['model'], r['program'], r['threads']) == k and r['metric'] == m and r['value']]
         for m in ('tok_s', 'tok_cpu_s')}
    med = lambda m: '%.1f' % statistics.median(v[m]) if v[m] else '-'
    print('| %s | %s | %s | %s | %s | %d |' % (k[0], k[1], k[2], med('tok_s'), med('tok_cpu_s'), len(v['tok_s'])))
# per-round ratios of tokens per CPU-second (same round = same load)
val = {(r['round'], r['model'], r['program'], r['threads']): float(r['value']) for r in rows
       if r['metric'] == 'tok_cpu_s' and r['value']}
print()
print('| ratio (tok/CPU-s, 1 thread, shakespeare) | median of per-round ratios | min-max | rounds |')
print('|---|---|---|---|')
for a, b in (('lpcs-fp32', 'runc-runfast'), ('lpcs-fp32', 'runc-native'), ('lpcs-fp32', 'llamacpp-f32'),
             ('lpcs-int8-intdot', 'llamacpp-q8_0'), ('lpcs-fp32-prompt', 'llamacpp-f32-prompt')):
    q = [val[(rd, 'shakespeare', a, '1')] / val[(rd, 'shakespeare', b, '1')] for rd in sorted({k[0] for k in val})
         if (rd, 'shakespeare', a, '1') in val and (rd, 'shakespeare', b, '1') in val]
    if q:
        print('| %s / %s | %.2fx | %.2f-%.2f | %d |' % (a, b, statistics.median(q), min(q), max(q), len(q)))
# 7B-layer pairs and thread scaling, wall and CPU time (per-round ratios)
wall = {(r['round'], r['model'], r['program'], r['threads']): float(r['value']) for r in rows
        if r['metric'] == 'tok_s' and r['value']}
pairs = (('l7b', 'lpcs-fp32', '1', 'llamacpp-f32', '1'), ('l7b', 'lpcs-fp32', '1', 'runc-runfast', '1'),
         ('l7b', 'lpcs-int8-intdot', '1', 'llamacpp-q8_0', '1'), ('l7b', 'lpcs-int4-intdot', '1', 'llamacpp-q4_0', '1'),
         ('shakespeare', 'lpcs-fp32', '2', 'lpcs-fp32', '1'), ('shakespeare', 'lpcs-fp32', '2', 'lpcs-fp32-nospin', '2'),
         ('l7b', 'lpcs-fp32', '2', 'lpcs-fp32', '1'), ('l7b', 'lpcs-int8-intdot', '2', 'lpcs-int8-intdot', '1'),
         ('l7b', 'lpcs-int8-intdot', '2', 'lpcs-int8-intdot-nospin', '2'))
print()
print('| ratio | tok/CPU-s: median of per-round ratios (min-max) | tok/s wall: median (min-max) | rounds |')
print('|---|---|---|---|')
for m, a, ta, b, tb in pairs:
    cells = []
    for d in (val, wall):
        q = [d[(rd, m, a, ta)] / d[(rd, m, b, tb)] for rd in sorted({k[0] for k in d})
             if (rd, m, a, ta) in d and (rd, m, b, tb) in d and d[(rd, m, b, tb)] > 0]
        cells.append('%.2fx (%.2f-%.2f)' % (statistics.median(q), min(q), max(q)) if q else '-')
    n = len([rd for rd in {k[0] for k in val} if (rd, m, a, ta) in val and (rd, m, b, tb) in val])
    if n:
        print('| %s %s %st / %s %st | %s | %s | %d |' % (m, a, ta, b, tb, cells[0], cells[1], n))
PY
# SUITE=lut: its per-round ratios (7B layer, 1 thread)
[ "$SUITE" = lut ] && python3 - "$csv" >> "$OUT/summary.md" <<'PY'
import csv, statistics, sys
val = {(r['round'], r['program']): float(r['value']) for r in csv.DictReader(open(sys.argv[1]))
       if r['metric'] == 'tok_cpu_s' and r['value'] and r['model'] == 'l7b' and r['threads'] == '1'}
print('\n| ratio (tok/CPU-s, 1 thread, l7b) | median of per-round ratios | min-max | rounds |\n|---|---|---|---|')
for a, b in (('lpcs-int2-lut', 'lpcs-int2-intdot'), ('lpcs-int2-lut', 'llamacpp-tq1_0'), ('lpcs-int2-lut', 'llamacpp-tq2_0'),
             ('lpcs-int4-lut', 'lpcs-int4-intdot'), ('lpcs-int4-lut', 'llamacpp-q4_0')):
    q = [val[(rd, a)] / val[(rd, b)] for rd in sorted({k[0] for k in val}) if (rd, a) in val and (rd, b) in val]
    if q:
        print('| %s / %s | %.2fx | %.2f-%.2f | %d |' % (a, b, statistics.median(q), min(q), max(q), len(q)))
PY
cat "$OUT/summary.md"
