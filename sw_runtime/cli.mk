# The lpcs binary: one dispatcher plus one file per subcommand.
LPCS_SRCS += sw_runtime/cli/main.c $(sort $(wildcard sw_runtime/cli/cmd_*.c))
LPCS_SRCS += sw_runtime/cli/cli_common.c
