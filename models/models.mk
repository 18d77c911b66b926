# models/: design-point config, analytical cycle/energy/area models (issue 9).
RUNTIME_SRCS += models/design_point.c models/arch_model.c models/rt_arch.c

# yosys transistor estimates behind models/arch_consts.h (not in `make test`: minutes).
.PHONY: models-calib
models-calib:
	models/calib.sh $(BUILD)/models-calib

# lpcs sweep: kill -9 + resume, truncated row, GNU parallel shards (tests/sweep_resume.sh).
.PHONY: test-sweep
test-sweep: $(BUILD)/lpcs
	LPCS_SHARED=$(abspath $(SHARED)) tests/sweep_resume.sh $(BUILD)/lpcs models/grids/ci_small.json $(BUILD)/sweep-test
TEST_STEPS += test-sweep
