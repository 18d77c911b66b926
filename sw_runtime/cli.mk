# The lpcs binary: one dispatcher plus one file per subcommand.
LPCS_SRCS += sw_runtime/cli/main.c $(sort $(wildcard sw_runtime/cli/cmd_*.c))
LPCS_SRCS += sw_runtime/cli/cli_common.c

# lpcs --version: the release number and the git commit of the build
# ("-dirty" with uncommitted changes), baked into cli/version.o. The header is
# rewritten only when its text changes, so unchanged trees do not relink.
LPCS_VERSION  := 0.5.0
LPCS_GIT_HASH := $(shell git describe --always --dirty --abbrev=12 --exclude='*' 2>/dev/null || echo unknown)
LPCS_SRCS += sw_runtime/cli/version.c
.PHONY: lpcs-version-stamp
$(BUILD)/gen/lpcs_version.h: lpcs-version-stamp
	@mkdir -p $(@D)
	@printf '#define LPCS_VERSION "%s"\n#define LPCS_GIT_HASH "%s"\n' '$(LPCS_VERSION)' '$(LPCS_GIT_HASH)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/obj/sw_runtime/cli/version.o: $(BUILD)/gen/lpcs_version.h
$(BUILD)/obj/sw_runtime/cli/version.o: EXTRA_CPPFLAGS += -I$(BUILD)/gen
LPCS_SRCS += sw_runtime/cli/sweep_plot.c sw_runtime/cli/workload_sweep.c
