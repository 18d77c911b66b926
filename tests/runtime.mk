# Runtime (sw_runtime/) tests: loaders on malformed input, the op-list
# forwards against independent oracles, ppl on validation slices, greedy
# samples, CLI behaviour. Full-split checks are LONG_STEPS, benchmarks BENCH_STEPS.
UNIT_TESTS += test_runtime_loaders
UNIT_TESTS += test_runtime_model

RT_COMMA  := ,
RT_MODELS := $(SHARED)/models
RT_TEXT   := $(SHARED)/data/tinyshakespeare.txt
RT_LLAMA  := $(RT_MODELS)/shakespeare-llama.bin
RT_MMFREE := $(RT_MODELS)/shakespeare-mmfree.safetensors

# rt_ppl_check MODEL ARGS REF TOL LO HI: runs lpcs ppl, takes the last line
# "nll=<v> bytes=<n>" and checks |v - REF| <= TOL and LO < v < HI.
define rt_ppl_check
	@out=$$($(BUILD)/lpcs ppl $(1) $(RT_TEXT) $(2) --quiet | tail -1); echo "$(notdir $(1)) $(2): $$out (reference $(3) +- $(4))"; \
	echo "$$out" | awk -F'[= ]' -v ref=$(3) -v tol=$(4) -v lo=$(5) -v hi=$(6) \
	  '{ d = $$2 - ref; if (d < 0) d = -d; ok = $$1 == "nll" && d <= tol && $$2 > lo && $$2 < hi } END { exit !ok }'
endef

# Greedy samples after <s>ROMEO: must equal metrics.json's PyTorch samples
# byte for byte (the first sample_greedy_ROMEO line is llama's, the second mmfree's).
define rt_sample_check
	@want=$$(grep '"sample_greedy_ROMEO"' $(RT_MODELS)/metrics.json | sed -n '$(2)p' | \
	  sed -e 's/^ *"sample_greedy_ROMEO": "//' -e 's/",\{0,1\} *$$//'); \
	$(BUILD)/lpcs run $(1) --prompt "ROMEO:" -n 200 --quiet > $(BUILD)/rt_sample_$(2).txt && \
	printf '%b\n' "$$want" > $(BUILD)/rt_sample_$(2).want && \
	if cmp -s $(BUILD)/rt_sample_$(2).txt $(BUILD)/rt_sample_$(2).want; then echo "$(notdir $(1)): greedy sample matches metrics.json"; \
	else echo "$(notdir $(1)): greedy sample differs:"; diff $(BUILD)/rt_sample_$(2).want $(BUILD)/rt_sample_$(2).txt; exit 1; fi
endef

# Validation slice (first 4096 bytes of the split): reference numbers are
# this runtime's own fp32 cpu results (2026-11-27, gcc 12 -O2, x86-64), see
# docs/accuracy.md; the sanity bounds are loose plausibility limits.
TEST_STEPS += test-runtime-ppl-slice test-runtime-samples test-runtime-cli
.PHONY: test-runtime-ppl-slice test-runtime-samples test-runtime-cli test-runtime-full-val bench-runtime
test-runtime-ppl-slice: $(BUILD)/lpcs
	$(call rt_ppl_check,$(RT_LLAMA),--split val --max-bytes 4096 --backend cpu,1.3365744993,1e-6,0.8,2.5)
	$(call rt_ppl_check,$(RT_MMFREE),--split val --max-bytes 4096 --backend cpu,1.2866045331,1e-6,0.8,2.5)
	$(call rt_ppl_check,$(RT_LLAMA),--split val --max-bytes 1024 --plan w=mxfp4$(RT_COMMA)a=fp8e4m3$(RT_COMMA)kv=bf16,1.7992699878,1e-6,0.8,3.5)
	$(call rt_ppl_check,$(RT_MMFREE),--split val --max-bytes 1024 --plan w=mxfp4$(RT_COMMA)a=fp8e4m3$(RT_COMMA)kv=bf16,1.1964338644,1e-6,0.8,3.5)

test-runtime-samples: $(BUILD)/lpcs
	$(call rt_sample_check,$(RT_LLAMA),1)
	$(call rt_sample_check,$(RT_MMFREE),2)

# CLI: help, usage errors (status 2), runtime errors (status 1), the report.
test-runtime-cli: $(BUILD)/lpcs
	$(BUILD)/lpcs run --help | grep -q -- '--prompt'
	$(BUILD)/lpcs ppl --help | grep -q -- '--split val'
	$(BUILD)/lpcs bench --help | grep -q -- '--repeat'
	$(BUILD)/lpcs run $(RT_LLAMA) --bogus 2>/dev/null; test $$? -eq 2
	$(BUILD)/lpcs run $(RT_LLAMA) --plan w=fp7 2>&1 | grep -q "unknown number format 'fp7'"
	$(BUILD)/lpcs run $(RT_LLAMA) --backend tpu 2>&1 | grep -q "unknown backend 'tpu'"
	$(BUILD)/lpcs run $(BUILD)/no-such-model.bin 2>&1 | grep -q "cannot open"
	$(BUILD)/lpcs ppl $(RT_LLAMA) 2>/dev/null; test $$? -eq 2
	$(BUILD)/lpcs run $(RT_LLAMA) --prompt "ROMEO:" -n 4 --place matmul=rtl --report $(BUILD)/rt_report.json --quiet >/dev/null
	grep -q '"requested": "rtl"' $(BUILD)/rt_report.json && grep -q '"fallback": true' $(BUILD)/rt_report.json
	$(BUILD)/lpcs bench $(RT_MMFREE) -n 8 --repeat 1 --warmup 0 | grep -q '^tokens/s:'

# Full validation split against metrics.json (PyTorch): llama val_nll within
# 1e-4, mmfree val_nll_bf16_latent within 2e-3.
LONG_STEPS += test-runtime-full-val
test-runtime-full-val: $(BUILD)/lpcs
	$(call rt_ppl_check,$(RT_LLAMA),--split val --backend cpu --threads 2,1.7698144467774313,1e-4,1.0,2.5)
	$(call rt_ppl_check,$(RT_MMFREE),--split val --backend cpu --threads 2,1.5188255084336861,2e-3,1.0,2.5)

# lpcs bench on shakespeare-llama (fp32, cpu, one thread), and Karpathy's
# llama2.c run.c when RUNC_DIR names a checkout of it (built into
# $(BUILD)/ext, never committed): prints both tokens/s and the ratio.
BENCH_STEPS += bench-runtime
bench-runtime: $(BUILD)/lpcs
	bench/runtime_bench.sh $(BUILD) $(RT_MODELS) "$(RUNC_DIR)"

# rtl backend vs cpu, bit for bit, on layer 0 of the shipped MatMul-free model
# (the Verilated ternary engine of sim/ternary.mk). `make LPCS_RTL=1 build/lpcs`
# builds the CLI with the same backend (remove build/lpcs when switching).
RT_RTL_LIB := $(BUILD)/verilator/ternary/libternary_rtl.a
test_runtime_rtl_SRCS := $(RTLB_SRCS)
test_runtime_rtl_LDLIBS := $(RT_RTL_LIB) $(RTLB_LIBS) -lstdc++
$(BUILD)/tests/test_runtime_rtl: $(RT_RTL_LIB) $(RTLB_LIBS)
ifeq ($(LPCS_RTL),1)
LPCS_SRCS += $(RTLB_SRCS)
LPCS_LDLIBS += $(RT_RTL_LIB) $(RTLB_LIBS) -lstdc++
$(BUILD)/lpcs: $(RT_RTL_LIB) $(RTLB_LIBS)
endif
TEST_STEPS += test-runtime-rtl
.PHONY: test-runtime-rtl
test-runtime-rtl: $(BUILD)/tests/test_runtime_rtl
	$(BUILD)/tests/test_runtime_rtl
UNIT_TESTS += test_unit_matmul
