#!/bin/sh
# CI step `test-sweep`: lpcs sweep is resumable and shardable.
#  1. reference: the whole grid in one run;
#  2. kill -9 mid-way (timeout -s KILL), append a truncated row by hand, resume:
#     same rows as the reference, none lost, none duplicated;
#  3. two shards run by GNU parallel, merged: same rows as the reference.
# Usage: tests/sweep_resume.sh LPCS GRID WORKDIR
set -eu
lpcs=$1 grid=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir"
rows() { tail -n +2 "$1" | LC_ALL=C sort; }
check_same() { # name file
    if ! rows "$2" | cmp -s - "$dir/ref.rows"; then
        echo "test-sweep: $1 differs from the reference:"; rows "$2" | diff - "$dir/ref.rows" | head -20; exit 1
    fi
    dups=$(tail -n +2 "$2" | cut -d, -f1 | sort | uniq -d | wc -l)
    [ "$dups" = 0 ] || { echo "test-sweep: $1 has duplicated ids"; exit 1; }
    echo "test-sweep: $1: $(tail -n +2 "$2" | wc -l) rows, identical to the reference"
}
"$lpcs" sweep "$grid" -o "$dir/ref.csv" --quiet
rows "$dir/ref.csv" > "$dir/ref.rows"
n=$(wc -l < "$dir/ref.rows")
[ "$n" -ge 8 ] || { echo "test-sweep: reference has only $n rows"; exit 1; }

# 2. kill mid-way, then a truncated last row, then resume
# kill -9 as soon as 3 rows are written (header + 3), i.e. mid-way
"$lpcs" sweep "$grid" -o "$dir/resume.csv" --quiet &
pid=$!
while kill -0 $pid 2>/dev/null && [ "$(cat "$dir/resume.csv" 2>/dev/null | wc -l)" -lt 4 ]; do sleep 0.05; done
kill -KILL $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
got=$(($(wc -l < "$dir/resume.csv") - 1))
echo "test-sweep: killed after $got of $n rows"
[ "$got" -lt "$n" ] || { echo "test-sweep: the sweep finished before the kill"; exit 1; }
printf 'p99999,12,analytical,1,16' >> "$dir/resume.csv"   # a row cut by the kill
"$lpcs" sweep "$grid" -o "$dir/resume.csv" 2> "$dir/resume.log"
grep -q "truncated last line" "$dir/resume.log" || { echo "test-sweep: the truncated row was not detected"; cat "$dir/resume.log"; exit 1; }
check_same "killed + resumed run" "$dir/resume.csv"
# a second resume has nothing left to do
"$lpcs" sweep "$grid" -o "$dir/resume.csv" 2> "$dir/resume2.log"
grep -q " 0 to go" "$dir/resume2.log" || { echo "test-sweep: re-run did not skip finished points"; exit 1; }
check_same "re-run" "$dir/resume.csv"

# 3. shards with GNU parallel, merged
parallel --halt now,fail=1 "$lpcs" sweep "$grid" -o "$dir/shard{}.csv" --shard {}/2 --quiet ::: 0 1
for k in 0 1; do
    bad=$(tail -n +2 "$dir/shard$k.csv" | cut -d, -f2 | awk -v k=$k '$1 % 2 != k' | wc -l)
    [ "$bad" = 0 ] || { echo "test-sweep: shard $k holds points of another shard"; exit 1; }
done
{ head -1 "$dir/shard0.csv"; tail -q -n +2 "$dir/shard0.csv" "$dir/shard1.csv"; } > "$dir/merged.csv"
check_same "2 shards (GNU parallel), merged" "$dir/merged.csv"
# 4. bad input: a clear error (exit 1/2 with a message), never a crash
i=0
for g in '{"grid":{"rmmec_units":[]}}' '{"grid":{"bogus":[1]}}' '{"foo":1}' '{"points":[{"pim_g":99}]}' \
         '{"points":[{"rmmec_units":1.5}]}' '[' '{"points":[{"id":"a"},{"id":"a"}]}' '{"points":[]}' ''; do
    i=$((i + 1)); printf '%s' "$g" > "$dir/bad$i.json"
    rc=0; "$lpcs" sweep "$dir/bad$i.json" -o "$dir/bad.csv" --no-nll 2> "$dir/bad.log" || rc=$?
    { [ $rc = 1 ] || [ $rc = 2 ]; } && grep -q "lpcs sweep:" "$dir/bad.log" ||
        { echo "test-sweep: bad grid $g: rc $rc"; cat "$dir/bad.log"; exit 1; }
done
echo "other,header" > "$dir/other.csv"
rc=0; "$lpcs" sweep "$grid" -o "$dir/other.csv" --no-nll 2> "$dir/bad.log" || rc=$?
[ $rc = 1 ] && grep -q "different header" "$dir/bad.log" || { echo "test-sweep: foreign CSV not refused"; exit 1; }
echo "test-sweep: $((i + 1)) malformed inputs refused with a message"
echo "test-sweep: PASS"
