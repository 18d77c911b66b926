#!/usr/bin/env bash
# bench/cpu/run_bench.sh on a quiet many-core machine (the GPU machine's 16
# idle CPU cores), in one call, from a carried folder (nothing is fetched):
#
#   bench/cpu/run_bench_device.sh [DIR]        (from the repository root)
#
# DIR (default .device/cpu, git-ignored) holds, prepared on the build machine:
#   debs/        libjansson + SystemC .deb files (`make fullsplit-debs`: .deps/debs)
#                and libcmocka0 + libcmocka-dev (for the unit tests),
#                unpacked into /tmp when this machine lacks them
#   runc/run.c   llama2.c's run.c, runc/COMMIT its commit
#   llama-src/   llama.cpp's include/ and ggml/include/ headers, COMMIT its commit
#   llama-lib/   the prebuilt libllama/libggml .so files of the pinned npm package
#   shared/models/  shakespeare-llama.bin, tok-bytes.bin, shakespeare-mmfree.*
# It builds lpcs and bench_stream (all cores), writes the 7B-layer checkpoint
# (gen_llama_shape) and the GGUFs, then runs run_bench.sh (1 and 2 threads;
# ROUNDS=3, STREAM_REPS=5, ROUND_BUDGET_S=100 unless set: no round starts
# after 100 s of run_bench.sh, so the whole call fits ~5 minutes; bench_stream
# at 1 and 2 threads runs before the rounds). Output in OUT (default
# build/bench-cpu-device): machine.txt (lscpu, load), build.log, the
# run_bench.sh files (results.csv, summary.md, stream-{1,2}t.md), run.log, and
# test_*.txt: the cpu kernels' unit tests (bit-exact to golden) on this CPU.
set -u
cd "$(dirname "$0")/../.." || exit 1
D=${1:-.device/cpu}
OUT=${OUT:-build/bench-cpu-device}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd); D=$(cd "$D" && pwd)
exec > >(tee "$OUT/run.log") 2>&1
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
for f in runc/run.c llama-src/include/llama.h shared/models/shakespeare-llama.bin; do
  [ -f "$D/$f" ] || { echo "run_bench_device: missing $D/$f (see the header)"; exit 2; }
done
{ lscpu; echo; echo "nproc: $(nproc)"; echo "load: $(cat /proc/loadavg)"; echo "date: $(date -u +%FT%TZ)";
  grep -m1 -o 'avx512_vnni\|avx512vnni\|avx_vnni\|avx512_bf16' /proc/cpuinfo | sort -u | tr '\n' ' '; echo; } > "$OUT/machine.txt"
stamp "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"

# SystemC / libjansson from the carried .deb files when the machine lacks them
if ! ldconfig -p 2>/dev/null | grep -q libjansson.so.4 && [ -d "$D/debs" ]; then
  . bench/device_debs.sh
  use_debs "$D/debs" || exit 1
fi
B=${BUILD_DIR:-/tmp/lpcs-cpu-build}
stamp "build $B (make -j$(nproc))"
TESTS="test_int_cpu test_kn_pool test_fp_cpu test_cpu_forward"
make -j"$(nproc)" BUILD="$B" PLATFORM_LIBS="-lsystemc -lstdc++" "$B/lpcs" "$B/bench/bench_stream" > "$OUT/build.log" 2>&1 \
  || { tail -30 "$OUT/build.log"; echo "build failed"; exit 1; }
# the cpu kernels' bit-exactness tests on this CPU's ISA (libcmocka from debs/ if missing)
if make -j"$(nproc)" BUILD="$B" PLATFORM_LIBS="-lsystemc -lstdc++" $(printf "$B/tests/%s " $TESTS) >> "$OUT/build.log" 2>&1; then
  for t in $TESTS; do
    LPCS_SHARED=$D/shared timeout 120 "$B/tests/$t" > "$OUT/$t.txt" 2>&1; echo "$t: exit $? ($(grep -E 'compared|checked|SKIP' "$OUT/$t.txt" | tr '\n' ' '))"
  done
else
  echo "SKIP: unit tests (they did not build: $OUT/build.log)"
fi
W=${WORK:-/tmp/lpcs-cpu-work}; mkdir -p "$W"
L7B=$W/l7b-1layer.bin
[ -f "$L7B" ] || { gcc -O2 -o "$W/gen_llama_shape" bench/cpu/gen_llama_shape.c -lm && "$W/gen_llama_shape" "$L7B" 1; } || exit 1
# the streaming tables first (the read bandwidth is this section's yardstick), then the rounds
for th in 1 2; do
  stamp "bench_stream, $th thread(s)"
  "$B/bench/bench_stream" "${STREAM_REPS:-5}" auto "$th" > "$OUT/stream-${th}t.md"
done
stamp "run_bench.sh"
STREAM=0 BUILD=$B SHARED=$D/shared RUNC_DIR=$D/runc LLAMA_SRC=$D/llama-src LLAMA_LIB_DIR=$D/llama-lib GGUF_DIR=$W L7B=$L7B \
  OUT=$OUT ROUNDS=${ROUNDS:-3} STREAM_REPS=${STREAM_REPS:-5} ROUND_BUDGET_S=${ROUND_BUDGET_S:-100} bench/cpu/run_bench.sh
stamp "done (load $(cut -d' ' -f1-3 /proc/loadavg))"
