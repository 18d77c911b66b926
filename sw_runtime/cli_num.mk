# The `lpcs num` evaluator, linked into build/lpcs and the tests/fuzz harness
# (cli.mk only picks up cmd_*.c).
LPCS_SRCS += sw_runtime/cli/num_eval.c
