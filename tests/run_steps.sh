#!/usr/bin/env bash
# Runs test items one after another and prints one closing line
# "tests: N passed, N failed, N skipped".
#   $1  the make command used for step items
#   $2  environment assignments (VAR=value ...) every item runs with
#   then items: unit:PATH (a CMocka binary) or step:TARGET (a make target)
# Exit status 77 means "skipped" (the automake convention): a unit binary
# that exits 77, or a step whose failing recipe line exited 77 (make then
# reports "Error 77" and exits 2; that line must be make's only error).
# A skip is never counted as a pass; skips do not fail the run.
set -u
make_cmd=$1; env_assign=$2; shift 2
passed=0; failed=0; skipped=0; failed_names=(); skipped_names=()
log=$(mktemp "${TMPDIR:-/tmp}/lpcs-steps.XXXXXX")
trap 'rm -f "$log"' EXIT
for item in "$@"; do
  kind=${item%%:*}; what=${item#*:}
  start=$(date +%s)
  echo "=== ${kind} ${what}" >&2
  if [ "$kind" = unit ]; then
    env $env_assign "$what"
    rc=$?
  else
    # keep the output visible and a copy to tell a skip (Error 77) from a failure
    env $env_assign $make_cmd "$what" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    if [ $rc -ne 0 ] && [ "$(grep -c '\*\*\* .*Error [0-9]' "$log")" -eq 1 ] &&
       grep -q '\*\*\* .*Error 77$' "$log"; then
      rc=77
    fi
  fi
  secs=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1)); echo "=== PASS ${what} (${secs}s)" >&2
  elif [ $rc -eq 77 ]; then
    skipped=$((skipped + 1)); skipped_names+=("$what"); echo "=== SKIP ${what} (${secs}s)" >&2
  else
    failed=$((failed + 1)); failed_names+=("$what"); echo "=== FAIL ${what} (rc=${rc}, ${secs}s)" >&2
  fi
done
[ $skipped -eq 0 ] || printf 'skipped: %s\n' "${skipped_names[@]}"
[ $failed -eq 0 ] || printf 'failed: %s\n' "${failed_names[@]}"
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
[ $failed -eq 0 ]
