#!/usr/bin/env bash
# Checks tests/run_steps.sh's counting: a unit and a make step that exit 0
# pass, ones that exit 77 are skipped (not passed), ones that exit 1 fail,
# and a step whose recipe fails twice (77 then 1, make -k) is a failure.
set -u
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
for rc in 0 1 77; do printf '#!/bin/sh\nexit %s\n' "$rc" > "$d/u$rc"; chmod +x "$d/u$rc"; done
cat > "$d/steps.mk" <<'MK'
.PHONY: ok skip fail skipfail
ok: ; @true
skip: ; @exit 77
fail: ; @exit 1
skipfail: a b
.PHONY: a b
a: ; @exit 77
b: ; @exit 1
MK
out=$("$root/tests/run_steps.sh" "make -k --no-print-directory -f $d/steps.mk" "X=1" \
      unit:"$d/u0" unit:"$d/u77" unit:"$d/u1" step:ok step:skip step:fail step:skipfail 2>/dev/null)
rc=$?
last=$(echo "$out" | tail -1)
want="tests: 2 passed, 3 failed, 2 skipped"
if [ "$last" != "$want" ] || [ $rc -eq 0 ]; then
  echo "run_steps self-test: got '$last' (rc=$rc), want '$want' and a non-zero exit"; exit 1
fi
out=$("$root/tests/run_steps.sh" "make --no-print-directory -f $d/steps.mk" "X=1" unit:"$d/u77" step:skip 2>/dev/null)
rc=$?
if [ "$(echo "$out" | tail -1)" != "tests: 0 passed, 0 failed, 2 skipped" ] || [ $rc -ne 0 ]; then
  echo "run_steps self-test: all-skipped run: '$(echo "$out" | tail -1)' rc=$rc"; exit 1
fi
echo "run_steps self-test: 7 items counted as 2 passed, 3 failed, 2 skipped; skips alone do not fail the run"
