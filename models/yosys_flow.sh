# The CMOS transistor-estimate flow shared by models/calib.sh and
# models/seed_yosys.sh (sourced, not run): flip-flops are legalized to the
# cells `stat -tech cmos` prices before it counts.
# shellcheck shell=sh
yosys_legal='dfflegalize -cell $_DFF_P_ 01 -cell $_DFF_PP0_ 01 -cell $_DFF_PP1_ 01; techmap; opt_clean'
# yosys_cmos "YOSYS COMMANDS" STATFILE [MORE COMMANDS]: run the commands, then
# the legalization and `stat -tech cmos` into STATFILE, then MORE COMMANDS.
yosys_cmos() {
    yosys -q -p "$1; $yosys_legal; tee -q -o $2 stat -tech cmos${3:+; $3}" >/dev/null
}
