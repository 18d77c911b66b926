#!/bin/sh
# CI step `test-sweep`: lpcs sweep is resumable and shardable.
#  1. reference: the whole grid in one run;
#  2. kill -9 at a random row, resume: the first resume evaluates exactly the
#     missing points (its progress lines), same rows as the reference, none
#     lost, none duplicated; a second resume evaluates nothing;
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

# 2. kill -9 at a random row (seed printed; LPCS_SWEEP_KILL_ROW=r forces one),
#    resume: the first resume must evaluate exactly the points missing from the
#    file (counted from its progress lines), and the result equals the reference.
seed=${LPCS_SWEEP_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
attempt=0
while :; do
    attempt=$((attempt + 1))
    kill_row=${LPCS_SWEEP_KILL_ROW:-$(( (seed + attempt * 7919) % (n - 3) + 1 ))}
    rm -f "$dir/resume.csv" "$dir/resume.csv.nll"
    mkfifo "$dir/progress.fifo"
    "$lpcs" sweep "$grid" -o "$dir/resume.csv" 2> "$dir/progress.fifo" &
    pid=$!
    # kill -9 as soon as the progress line of row kill_row appears
    while IFS= read -r l; do
        case "$l" in "lpcs sweep: $kill_row/"*) kill -KILL $pid 2>/dev/null; break;; esac
    done < "$dir/progress.fifo"
    wait $pid 2>/dev/null || true
    rm -f "$dir/progress.fifo"
    got=$(($(grep -c '' "$dir/resume.csv") - 1))
    [ "$got" -lt "$n" ] && break
    echo "test-sweep: the sweep finished before the kill at row $kill_row (attempt $attempt)"
    [ $attempt -lt 3 ] || { echo "test-sweep: could not kill the sweep mid-way in 3 attempts"; exit 1; }
done
complete=$(( $(wc -l < "$dir/resume.csv") - 1 ))   # whole lines only (a cut last line has no newline)
tail -n +2 "$dir/resume.csv" | head -n "$complete" | cut -d, -f1 | LC_ALL=C sort > "$dir/killed.ids"
echo "test-sweep: seed $seed: kill -9 at row $kill_row of $n, $complete complete rows in the file"
[ "$complete" -ge "$kill_row" ] || { echo "test-sweep: only $complete rows after row $kill_row was reported"; exit 1; }
"$lpcs" sweep "$grid" -o "$dir/resume.csv" 2> "$dir/resume.log"
# the resume's own account: N already in, M to go; one progress line per evaluation
grep -q "shard 0/1: $n, $complete already in .*, $((n - complete)) to go" "$dir/resume.log" ||
    { echo "test-sweep: the resume did not report $((n - complete)) points to go:"; cat "$dir/resume.log"; exit 1; }
evaluated=$(grep -c '^lpcs sweep: [0-9]*/[0-9]* p' "$dir/resume.log" || true)
grep '^lpcs sweep: [0-9]*/[0-9]* p' "$dir/resume.log" | awk '{print $4}' | LC_ALL=C sort > "$dir/evaluated.ids"
tail -n +2 "$dir/ref.csv" | cut -d, -f1 | LC_ALL=C sort > "$dir/all.ids"
LC_ALL=C comm -23 "$dir/all.ids" "$dir/killed.ids" > "$dir/missing.ids"
if ! cmp -s "$dir/evaluated.ids" "$dir/missing.ids"; then
    echo "test-sweep: the first resume evaluated $evaluated points, not exactly the $((n - complete)) missing ones:"
    diff "$dir/evaluated.ids" "$dir/missing.ids" | head; exit 1
fi
echo "test-sweep: first resume evaluated $evaluated points (the $((n - complete)) missing ones), skipped $complete finished ones"
check_same "killed + resumed run" "$dir/resume.csv"
# a second resume has nothing left to do
"$lpcs" sweep "$grid" -o "$dir/resume.csv" 2> "$dir/resume2.log"
grep -q " 0 to go" "$dir/resume2.log" || { echo "test-sweep: re-run did not skip finished points"; exit 1; }
[ "$(grep -c '^lpcs sweep: [0-9]*/[0-9]* p' "$dir/resume2.log" || true)" = 0 ] ||
    { echo "test-sweep: re-run evaluated points again"; exit 1; }
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
