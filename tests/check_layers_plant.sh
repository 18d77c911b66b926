#!/bin/sh
# Plants one forbidden edge at a time in a scratch copy of the sources and
# checks that tests/check_layers.py fails naming it:
#   1. golden/status.c includes sw_runtime/engine.h (golden may use nothing);
#   2. sim/ includes a sw_runtime header (sim sits below sw_runtime);
#   3. an archive of layer golden that calls into liblpcsrt.a (link edge);
#   4. the README table claims golden may depend on models;
#   5. the platform adapter computes a result itself (calls rt_cpu_exec);
#   6. a library archive keeps a global mutable counter.
# Usage: check_layers_plant.sh BUILD "LAYER=ARCHIVE ..."
set -u
build=$1 libs=$2
tmp=$build/layers-plant
rm -rf "$tmp" && mkdir -p "$tmp/src"
git ls-files -co --exclude-standard -- '*.c' '*.h' '*.cpp' '*.cu' '*.cuh' README.md | tar cf - -T - | tar xf - -C "$tmp/src"
libargs=""
for l in $libs; do libargs="$libargs --lib $l"; done
fail=0
expect() { # NAME WANT-PATTERN ARGS...
    name=$1 want=$2; shift 2
    if out=$(python3 tests/check_layers.py --layers "$build/layers.txt" "$@" 2>&1); then
        echo "check-layers-plant: $name NOT detected"; fail=1
    elif echo "$out" | grep -q "$want"; then
        echo "check-layers-plant: $name detected"
    else
        echo "check-layers-plant: $name failed for another reason:"; echo "$out"; fail=1
    fi
}
# clean copy passes (else the plants prove nothing)
python3 tests/check_layers.py --layers "$build/layers.txt" --root "$tmp/src" >/dev/null || { echo "check-layers-plant: the clean copy fails"; exit 1; }
cp "$tmp/src/golden/status.c" "$tmp/status.c.orig"
echo '#include "engine.h"' >> "$tmp/src/golden/status.c"
expect "golden -> sw_runtime include" "golden/status.c.*sw_runtime" --root "$tmp/src"
cp "$tmp/status.c.orig" "$tmp/src/golden/status.c"
echo '#include "session.h"' >> "$tmp/src/sim/ternary_rtl.h"
expect "sim -> sw_runtime include" "sim/ternary_rtl.h.*sim may not depend on sw_runtime" --root "$tmp/src"
git show HEAD:sim/ternary_rtl.h > "$tmp/src/sim/ternary_rtl.h" 2>/dev/null || cp sim/ternary_rtl.h "$tmp/src/sim/ternary_rtl.h"
printf 'struct rt_engine;\nvoid rt_engine_reset(struct rt_engine *);\nvoid planted(struct rt_engine *e) { rt_engine_reset(e); }\n' > "$tmp/planted.c"
cc -c "$tmp/planted.c" -o "$tmp/planted.o" && rm -f "$tmp/libplanted.a" && ar rcs "$tmp/libplanted.a" "$tmp/planted.o"
# shellcheck disable=SC2086
expect "golden archive -> liblpcsrt.a link" "libplanted.a (golden) -> .*(sw_runtime)" --root "$tmp/src" $libargs --lib "golden=$tmp/libplanted.a"
sed -i 's/^| `golden\/` | \(.*\) | nothing |$/| `golden\/` | \1 | models |/' "$tmp/src/README.md"
expect "README table differing from the build" "README: .golden/. may depend on models" --root "$tmp/src"
printf 'struct rt_engine;\nstruct rt_op;\nint rt_cpu_exec(struct rt_engine *, struct rt_op *);\nint planted_exec(struct rt_engine *e, struct rt_op *o) { return rt_cpu_exec(e, o); }\n' > "$tmp/adapter.c"
cc -c "$tmp/adapter.c" -o "$tmp/adapter.o"
expect "platform adapter calling the cpu backend" "adapter.o calls rt_cpu_exec" --root "$tmp/src" --data-only "$build/obj/sw_runtime/backend_platform.o" --data-only "$tmp/adapter.o"
printf 'int planted_calls;\nint planted_count(void) { return ++planted_calls; }\n' > "$tmp/counter.c"
cc -c "$tmp/counter.c" -o "$tmp/counter.o" && rm -f "$tmp/libcounter.a" && ar rcs "$tmp/libcounter.a" "$tmp/counter.o"
# shellcheck disable=SC2086
expect "global mutable state in a library" "mutable: .*libcounter.a (golden) counter.o: .planted_calls." --root "$tmp/src" $libargs --lib "golden=$tmp/libcounter.a"
exit $fail
