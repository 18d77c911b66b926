#!/bin/bash
# A real one-node Slurm cluster on localhost runs `lpcs sweep --shard` as a
# job array: munged, slurmctld and slurmd start from a throw-away config in a
# temp dir, one array task is cancelled mid-way and resubmitted (it resumes
# its own shard file), the shards are merged and compared with the unsharded
# run: no lost and no duplicated rows. Every daemon started here is stopped
# on exit (trap). Needs root (the daemons run as root) and the Debian packages
# slurm-wlm and munge (`make deps`); otherwise exits 77 (skipped).
# Usage: tests/slurm/slurm_sweep.sh LPCS GRID WORKDIR [SHARDS]
set -u
lpcs=$(readlink -f "$1") grid=$(readlink -f "$2") dir=$3 shards=${4:-2}
say() { echo "test-slurm: $*"; }
if [ "$(id -u)" != 0 ]; then say "SKIP: needs root to start munged/slurmctld/slurmd"; exit 77; fi
for b in munged mungekey slurmctld slurmd sbatch scancel squeue scontrol; do
    command -v $b >/dev/null || { say "SKIP: $b missing (make deps installs slurm-wlm and munge)"; exit 77; }
done
rm -rf "$dir" && mkdir -p "$dir" && dir=$(readlink -f "$dir")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
    done
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { say "FAIL: $*"; for f in slurmctld.log slurmd.log; do echo "--- $f"; tail -15 "$dir/$f" 2>/dev/null; done; exit 1; }
deadline=$(( $(date +%s) + ${LPCS_SLURM_TIMEOUT:-240} ))
wait_for() { # description, command...
    local what=$1; shift
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || fail "timed out waiting for $what"
        sleep 0.05 # short: the victim task of the cancel check may write all its rows within a few tenths of a second on a quiet machine
    done
}

# munge: a fresh key and a private socket
mkdir -p "$dir/munge" && chmod 700 "$dir/munge"
mungekey -c -k "$dir/munge/munge.key" -b 1024 || fail "mungekey"
munged -F -f --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.sock" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/seed" \
    >"$dir/munged.out" 2>&1 &
pids+=($!)
wait_for "munged" test -S "$dir/munge/munge.sock"

# slurm.conf: one node (this host), ports derived from the PID so that
# concurrent runs on one machine do not collide
node=$(hostname -s)
cpus=$(nproc)
port=$(( 20000 + ($$ % 2000) * 2 ))
mkdir -p "$dir/state" "$dir/spool"
cat > "$dir/slurm.conf" <<CONF
ClusterName=lpcsci
SlurmctldHost=$node
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=2
MinJobAge=300
NodeName=$node CPUs=$cpus State=UNKNOWN
PartitionName=ci Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
export SLURM_CONF=$dir/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" >"$dir/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$node" >"$dir/slurmd.out" 2>&1 &
pids+=($!)
node_idle() { scontrol show node "$node" | grep -q 'State=IDLE'; }
wait_for "the node to come up idle" node_idle
say "cluster up: munged, slurmctld (port $port), slurmd on $node ($cpus CPUs)"

# the reference: the whole grid in one run (outside Slurm)
"$lpcs" sweep "$grid" -o "$dir/ref.csv" --quiet || fail "reference sweep"
n=$(( $(wc -l < "$dir/ref.csv") - 1 ))
[ "$n" -ge 8 ] || fail "the reference has only $n rows"

# the job array: task k runs shard k of $shards
cat > "$dir/shard.sbatch" <<JOB
#!/bin/bash
#SBATCH --job-name=lpcs-sweep
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output=$dir/task_%a.out
exec "$lpcs" sweep "$grid" -o "$dir/shard\$SLURM_ARRAY_TASK_ID.csv" --shard "\$SLURM_ARRAY_TASK_ID/$shards"
JOB
job=$(sbatch --parsable --chdir="$PWD" --array=0-$((shards - 1)) "$dir/shard.sbatch") || fail "sbatch"
say "submitted job array $job (tasks 0-$((shards - 1)))"

# cancel the last task once it has written at least one row but not all
victim=$((shards - 1)) vfile="$dir/shard$((shards - 1)).csv"
mine=$(( (n - victim + shards - 1) / shards ))
rows_of() { [ -f "$1" ] && echo $(( $(wc -l < "$1") - 1 )) || echo 0; }
started() { [ "$(rows_of "$vfile")" -ge 1 ]; }
wait_for "task $victim to write a row" started
scancel "${job}_$victim" || fail "scancel"
gone() { ! squeue -h -j "${job}_$victim" -t RUNNING,PENDING,COMPLETING | grep -q .; }
wait_for "task $victim to end" gone
left=$(rows_of "$vfile")
how="cancelled at $left rows"
if [ "$left" -ge "$mine" ]; then
    # the task wrote all its rows before the cancel reached it (a quiet, fast
    # machine): cut its file to the header, one row and a torn second row, as
    # a cancel mid-write leaves it, so the resume below is still exercised
    # (the cut file must be repaired and resumed from 1 row)
    [ "$left" -eq "$mine" ] || fail "task $victim wrote $left rows, more than its $mine"
    { head -2 "$vfile"; sed -n 3p "$vfile" | head -c 7; } > "$vfile.cut" && mv "$vfile.cut" "$vfile"
    left=1 how="finished before the cancel; its file cut to 1 row and a torn row"
fi
say "task ${job}_$victim ($mine rows): $how"

# resubmit just that task; it resumes its shard file
job2=$(sbatch --parsable --chdir="$PWD" --array="$victim" "$dir/shard.sbatch") || fail "resubmit"
say "resubmitted task $victim as job ${job2}"
all_done() { ! squeue -h -j "$job,$job2" | grep -q .; }
wait_for "every task to finish" all_done
grep -q "$left already in" "$dir/task_$victim.out" ||
    fail "the resubmitted task did not resume from its $left rows: $(head -3 "$dir/task_$victim.out")"

# merge and compare: every row once, identical to the reference
for k in $(seq 0 $((shards - 1))); do
    [ -s "$dir/shard$k.csv" ] || fail "shard $k wrote nothing"
    head -1 "$dir/shard$k.csv" | cmp -s - <(head -1 "$dir/ref.csv") || fail "shard $k has another header"
done
tail -q -n +2 "$dir"/shard*.csv | LC_ALL=C sort > "$dir/merged.rows"
tail -n +2 "$dir/ref.csv" | LC_ALL=C sort > "$dir/ref.rows"
dups=$(cut -d, -f1 "$dir/merged.rows" | uniq -d | wc -l)
[ "$dups" = 0 ] || fail "$dups duplicated point ids in the merged shards"
cmp -s "$dir/merged.rows" "$dir/ref.rows" || { diff "$dir/merged.rows" "$dir/ref.rows" | head; fail "merged shards differ from the unsharded run"; }
say "$shards shards via a Slurm job array (task $victim $how, resubmitted), merged: $(wc -l < "$dir/merged.rows") rows = the unsharded run, none lost or duplicated"
say "PASS"
