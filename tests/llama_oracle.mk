# llama.cpp as an oracle (tests/llama_oracle/): `make deps` installs the pinned
# prebuilt llama.cpp libraries and their source into the git-ignored
# $(LLAMA_DEPS); `make llama-oracle` builds the C harness against them.
# Steps that need it exit 77 (skip) when $(LLAMA_DEPS) is absent.
LLAMA_DEPS   ?= .deps/llama
LLAMA_SRC    := $(LLAMA_DEPS)/src
LLAMA_LIBDIR := $(LLAMA_DEPS)/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64
LLAMA_ORACLE := $(BUILD)/llama_oracle
DEPS_STEPS   += deps-llama

.PHONY: deps-llama llama-oracle
deps-llama:
	@tests/llama_oracle/install.sh $(LLAMA_DEPS)

llama-oracle: $(LLAMA_ORACLE)
# Linked by file name: the prebuilt libraries carry versioned names and no
# libllama.so symlink; rpath to their folder so the binary runs from anywhere.
$(LLAMA_ORACLE): tests/llama_oracle/llama_oracle.c
	@[ -f $(LLAMA_SRC)/include/llama.h ] && [ -d $(LLAMA_LIBDIR) ] || \
	  { echo "llama-oracle: llama.cpp is not installed in $(LLAMA_DEPS) (run make deps)" >&2; exit 77; }
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O2 -g -I$(LLAMA_SRC)/include -I$(LLAMA_SRC)/ggml/include -o $@ $< \
	  $(wildcard $(LLAMA_LIBDIR)/libllama.v*.so) $(wildcard $(LLAMA_LIBDIR)/libggml.v*.so) \
	  $(LLAMA_LIBDIR)/libggml-base.so -Wl,-rpath,$(abspath $(LLAMA_LIBDIR)) -ldl -lm

# An F32 GGUF of shakespeare-llama written by an independent plain-Python
# writer (not lpcs's), for comparing lpcs with llama.cpp.
LLAMA_FIXTURE := $(BUILD)/llama_fixture/shakespeare-llama-f32.gguf
$(LLAMA_FIXTURE): tests/llama_oracle/llama2c_to_gguf.py $(SHARED)/models/shakespeare-llama.bin
	@mkdir -p $(dir $@)
	/usr/bin/python3 $< $(SHARED)/models/shakespeare-llama.bin $(SHARED)/models/tok-bytes.bin $@

# Steps: skip (77) without .deps/llama, else build the oracle and check it.
LLAMA_NEED = @[ -f $(LLAMA_SRC)/include/llama.h ] && [ -d $(LLAMA_LIBDIR) ] || \
  { echo "SKIP: llama.cpp not installed in $(LLAMA_DEPS) (make deps)"; exit 77; }
TEST_STEPS += test-llama-oracle
LONG_STEPS += test-llama-oracle-long
.PHONY: test-llama-oracle test-llama-oracle-long
test-llama-oracle:
	$(LLAMA_NEED)
	@$(MAKE) --no-print-directory $(LLAMA_ORACLE) $(LLAMA_FIXTURE)
	/usr/bin/python3 tests/llama_oracle/check_oracle.py $(LLAMA_ORACLE) $(LLAMA_FIXTURE) $(SHARED)
test-llama-oracle-long:
	$(LLAMA_NEED)
	@$(MAKE) --no-print-directory $(LLAMA_ORACLE) $(LLAMA_FIXTURE)
	/usr/bin/python3 tests/llama_oracle/check_oracle.py $(LLAMA_ORACLE) $(LLAMA_FIXTURE) $(SHARED) --full
