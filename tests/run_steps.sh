#!/usr/bin/env bash
# Runs test items one after another and prints one closing line
# "tests: N passed, N failed".
#   $1  the make command used for step items
#   $2  environment assignments (VAR=value ...) every item runs with
#   then items: unit:PATH (a CMocka binary) or step:TARGET (a make target)
set -u
make_cmd=$1; env_assign=$2; shift 2
passed=0; failed=0; failed_names=()
for item in "$@"; do
  kind=${item%%:*}; what=${item#*:}
  start=$(date +%s)
  echo "=== ${kind} ${what}" >&2
  if [ "$kind" = unit ]; then
    env $env_assign "$what"
  else
    env $env_assign $make_cmd "$what"
  fi
  rc=$?
  secs=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1)); echo "=== PASS ${what} (${secs}s)" >&2
  else
    failed=$((failed + 1)); failed_names+=("$what"); echo "=== FAIL ${what} (rc=${rc}, ${secs}s)" >&2
  fi
done
[ $failed -eq 0 ] || printf 'failed: %s\n' "${failed_names[@]}"
echo "tests: ${passed} passed, ${failed} failed"
[ $failed -eq 0 ]
