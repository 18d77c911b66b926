# CUDA backend (sw_runtime/cuda/), its device tests (tests/cuda/) and benchmark
# (bench/cuda/). CI has no GPU: `make cuda` only compiles (sm_90), the host-side
# check runs the shared __host__ __device__ conversion code on the CPU, and the
# device test prints "SKIP: no CUDA device" and exits 77 (a skip) without a GPU.
# bench/cuda/run_on_device.sh builds and runs everything on a GPU machine.

# The stub keeps build/lpcs linkable without CUDA (lpcs_cuda_available() == 0).
RUNTIME_SRCS += sw_runtime/cuda/lpcs_cuda_stub.c

CUDA_HOME  ?= /usr/local/cuda
NVCC       ?= $(CUDA_HOME)/bin/nvcc
CUDA_ARCH  ?= -arch=sm_90
# -fmad=false: no FMA contraction, so fp32 steps round like golden (gcc, no FMA).
NVCCFLAGS  ?= $(CUDA_ARCH) -O3 -std=c++17 -fmad=false -lineinfo \
              -Xcompiler -Wall,-Wextra,-ffp-contract=off -Werror all-warnings
NVCC_INC   := -Igolden -Isw_runtime -Isw_runtime/cuda
CUDA_BUILD := $(BUILD)/cuda

CUDA_LIB_SRCS := $(filter-out sw_runtime/cuda/lpcs_cuda_emul.cu,$(sort $(wildcard sw_runtime/cuda/*.cu)))
CUDA_LIB_OBJS := $(patsubst sw_runtime/cuda/%.cu,$(CUDA_BUILD)/obj/%.o,$(CUDA_LIB_SRCS))
CUDA_LIB      := $(CUDA_BUILD)/liblpcs_cuda.a
CUDA_TEST     := $(CUDA_BUILD)/test_cuda
CUDA_HOSTCHK  := $(CUDA_BUILD)/test_cuda_host
CUDA_BENCH    := $(CUDA_BUILD)/bench_gemv
CUDA_RING     := $(CUDA_BUILD)/bench_ring
CUDA_EMUL     := $(CUDA_BUILD)/test_cuda_emul
CUDA_LPCS     := $(CUDA_BUILD)/lpcs
CUDA_LLM_TEST := $(CUDA_BUILD)/test_llm
# (GOLDEN_LIB and obj are defined after the fragments are read: spell the
# library path out in prerequisites; recipes expand late and may use them.)
CUDA_GOLDEN   := $(BUILD)/libgolden.a

$(CUDA_BUILD)/obj/%.o: sw_runtime/cuda/%.cu
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCCFLAGS) $(NVCC_INC) -MMD -MP -c $< -o $@
$(CUDA_BUILD)/obj/tests/%.o: tests/cuda/%.cu
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCCFLAGS) $(NVCC_INC) -MMD -MP -c $< -o $@
$(CUDA_BUILD)/obj/bench/%.o: bench/cuda/%.cu
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCCFLAGS) $(NVCC_INC) -MMD -MP -c $< -o $@

$(CUDA_LIB): $(CUDA_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

# Test and bench binaries: plain C++ (no cmocka/jansson), golden linked in.
$(CUDA_TEST): $(CUDA_BUILD)/obj/tests/test_cuda.o $(CUDA_LIB) $(CUDA_GOLDEN)
	$(NVCC) $(CUDA_ARCH) -o $@ $^ -lm -lpthread
$(CUDA_HOSTCHK): $(CUDA_BUILD)/obj/tests/test_cuda_host.o $(CUDA_LIB) $(CUDA_GOLDEN)
	$(NVCC) $(CUDA_ARCH) -o $@ $^ -lm -lpthread
# The device test's harness over the CPU emulation of the backend (runs in CI).
$(CUDA_EMUL): $(CUDA_BUILD)/obj/tests/test_cuda.o $(CUDA_BUILD)/obj/lpcs_cuda_emul.o \
              $(CUDA_BUILD)/obj/ternary_kernels.o $(CUDA_BUILD)/obj/lut_kernels.o \
              $(CUDA_BUILD)/obj/int4_kernels.o $(CUDA_GOLDEN)
	$(NVCC) $(CUDA_ARCH) -o $@ $^ -lm -lpthread
# The device-resident engine vs its host oracle (+ --ppl / --bench7b timings).
$(CUDA_LLM_TEST): $(CUDA_BUILD)/obj/tests/test_llm.o $(CUDA_LIB) $(CUDA_GOLDEN)
	$(NVCC) $(CUDA_ARCH) -o $@ $^ -lcublas -Xlinker -rpath -Xlinker $(CUDA_HOME)/lib64 -lm -lpthread
$(CUDA_BENCH): $(CUDA_BUILD)/obj/bench/bench_gemv.o $(CUDA_LIB) $(CUDA_GOLDEN)
	$(NVCC) $(CUDA_ARCH) -o $@ $^ -lcublas -Xlinker -rpath -Xlinker $(CUDA_HOME)/lib64 -lm -lpthread
# The copy ring's bandwidth probe (what limits the one-row GEMV: access pattern vs work per chunk).
$(CUDA_RING): $(CUDA_BUILD)/obj/bench/bench_ring.o
	$(NVCC) $(CUDA_ARCH) -o $@ $^

# lpcs with the real backend. The runtime library is linked WITHOUT the stub
# object: archive order alone does not help, because backend_cuda.o comes from
# liblpcsrt.a itself and its lpcs_cuda_* references would then resolve to the
# stub member of that same archive (the first device run of the cuda backend
# silently fell back to cpu that way). `make test-lpcs-cuda-link` guards it.
CUDA_RT_NOSTUB := $(CUDA_BUILD)/liblpcsrt_nostub.a
$(CUDA_RT_NOSTUB): $(BUILD)/liblpcsrt.a
	@mkdir -p $(dir $@)
	cp $< $@ && ar d $@ lpcs_cuda_stub.o
$(CUDA_LPCS): $(BUILD)/lpcs $(CUDA_LIB) $(CUDA_RT_NOSTUB) $(BUILD)/libmodels.a
	$(NVCC) $(CUDA_ARCH) -o $@ $(call obj,$(LPCS_SRCS)) $(CUDA_LIB) $(CUDA_RT_NOSTUB) $(GOLDEN_LIB) \
	  $(CUDA_LIB) $(LPCS_LDLIBS) $(MODELS_LIB) $(GOLDEN_LIB) -ljansson -lm -lpthread

# cuda = cpu through the runtime (device engine vs the cpu op list, bit for bit).
CUDA_RES_TEST := $(CUDA_BUILD)/test_resident
$(CUDA_RES_TEST): $(BUILD)/obj/tests/cuda/test_resident.o $(CUDA_LIB) $(CUDA_RT_NOSTUB) $(CUDA_GOLDEN) $(BUILD)/libmodels.a
	$(NVCC) $(CUDA_ARCH) -o $@ $< $(CUDA_LIB) $(CUDA_RT_NOSTUB) $(GOLDEN_LIB) $(CUDA_LIB) $(MODELS_LIB) $(GOLDEN_LIB) \
	  -ljansson -lm -lpthread
.PHONY: cuda-resident-test
cuda-resident-test: $(CUDA_RES_TEST)
	LPCS_SHARED=$(SHARED) $(CUDA_RES_TEST)

# The cuda build of lpcs must carry the real library, not the stub.
.PHONY: test-lpcs-cuda-link
test-lpcs-cuda-link: $(CUDA_LPCS)
	@if grep -q 'cuda backend not built (stub)' $(CUDA_LPCS); then \
	  echo "$(CUDA_LPCS) links the CUDA stub: the cuda backend would never run"; exit 1; fi
	@grep -q 'cuda backend not built (stub)' $(BUILD)/lpcs || { echo "stub marker not found in $(BUILD)/lpcs: the check above cannot fail"; exit 1; }
	@echo "$(CUDA_LPCS): real CUDA library linked (no stub)"
TEST_STEPS += test-lpcs-cuda-link

# What the GPU machine needs (no libjansson/libcmocka there).
.PHONY: cuda cuda-kernels cuda-host-check cuda-device-test cuda-emul-check lpcs-cuda cuda-llm-test
cuda-kernels: $(CUDA_LIB) $(CUDA_TEST) $(CUDA_HOSTCHK) $(CUDA_BENCH) $(CUDA_RING) $(CUDA_EMUL) $(CUDA_LLM_TEST)
lpcs-cuda: $(CUDA_LPCS)
# CI: compile everything CUDA (no GPU needed).
cuda: cuda-kernels $(CUDA_LPCS) $(CUDA_RES_TEST)
cuda-host-check: $(CUDA_HOSTCHK)
	$(CUDA_HOSTCHK)
cuda-device-test: $(CUDA_TEST)
	$(CUDA_TEST)
cuda-emul-check: $(CUDA_EMUL)
	$(CUDA_EMUL) --quick
# The emulated device run with one corrupted weight must fail.
.PHONY: cuda-emul-inject
cuda-emul-inject: $(CUDA_EMUL)
	@if $(CUDA_EMUL) --inject --quick > $(CUDA_BUILD)/emul_inject.log 2>&1; then \
	  cat $(CUDA_BUILD)/emul_inject.log; echo "cuda-emul-inject: the corrupted weight was NOT detected"; exit 1; fi
	@grep -q '^FAIL' $(CUDA_BUILD)/emul_inject.log || { cat $(CUDA_BUILD)/emul_inject.log; exit 1; }
	@echo "cuda-emul-inject: corrupted weight detected ($$(grep -c '^FAIL' $(CUDA_BUILD)/emul_inject.log) failing checks)"

# Without a GPU these exit 77 (skipped).
cuda-llm-test: $(CUDA_LLM_TEST)
	LPCS_SHARED=$(SHARED) $(CUDA_LLM_TEST)

TEST_STEPS += cuda cuda-host-check cuda-emul-check cuda-emul-inject cuda-device-test cuda-llm-test cuda-resident-test

-include $(shell find $(CUDA_BUILD)/obj -name '*.d' 2>/dev/null)

# lpcs gen-model writes checkpoints that lpcs loads (tiny shapes, cpu): the
# real sizes (llama2-7b, ...) are generated on the GPU machine.
.PHONY: test-gen-model
test-gen-model: $(BUILD)/lpcs
	@d=$$(mktemp -d) && trap 'rm -rf $$d' EXIT && \
	for s in tiny tiny-hgrn; do \
	  $(BUILD)/lpcs gen-model $$s $$d/$$s.safetensors 2>/dev/null || exit 1; \
	  out=$$($(BUILD)/lpcs ppl $$d/$$s.safetensors $(SHARED)/data/tinyshakespeare.txt --max-bytes 300 \
	        --quiet 2>&1 | tail -1); \
	  case "$$out" in nll=5.*" bytes=300") echo "gen-model $$s: loads and runs ($$out)";; \
	    *) echo "gen-model $$s: unexpected ppl output: $$out"; exit 1;; esac; \
	done
TEST_STEPS += test-gen-model
