# Exact execution (sw_runtime/exact.h): whole models in the units' arithmetic.
UNIT_TESTS += test_exact_forward
# The fast exact kernels (sw_runtime/exact_fast.h) through exact.c against golden on built rows.
UNIT_TESTS += test_exact_fast

# lpcs with exact ops: every op of the report has unit and mode, every llama
# matmul of an RMMEC plan is on the rmmec in the plan's mode, of an integer
# plan (w=int4,a=int8) on the LUT-GEMV (w4-a8-g4), a bad --exec is
# a clear error, and --backend sim prints the nll line of --backend cpu
# (the platform computes RMMEC, LUT-GEMV and ternary ops on its own data
# path: see docs/exact.md), on a
# 256-byte slice of both models.
TEST_STEPS += test-exact-cli
.PHONY: test-exact-cli accuracy-exact
EXACT_TEXT := $(SHARED)/data/tinyshakespeare.txt
test-exact-cli: $(BUILD)/lpcs
	@set -e; r=$(BUILD)/exact_report.json; \
	$(BUILD)/lpcs ppl $(SHARED)/models/shakespeare-llama.bin $(EXACT_TEXT) --split val --max-bytes 256 \
	  --plan w=p8e0,a=p8e0 --backend cpu --quiet --report $$r > /dev/null; \
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); ops=r["ops"]; \
	  assert r["exec"] == "exact"; assert all("unit" in o and "mode" in o for o in ops); \
	  mm=[o for o in ops if o["type"] == "matmul"]; assert len(mm) >= 36, len(mm); \
	  bad=[o["name"] for o in mm if (o["unit"], o["mode"]) != ("rmmec", "p8")]; assert not bad, bad; \
	  print("test-exact-cli: %d ops, %d matmuls on rmmec p8" % (len(ops), len(mm)))' $$r; \
	$(BUILD)/lpcs ppl $(SHARED)/models/shakespeare-llama.bin $(EXACT_TEXT) --split val --max-bytes 256 \
	  --plan w=int4,a=int8 --backend cpu --quiet --report $$r > /dev/null; \
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); \
	  mm=[o for o in r["ops"] if o["type"] == "matmul"]; assert len(mm) >= 36, len(mm); \
	  bad=[o["name"] for o in mm if (o["unit"], o["mode"]) != ("lutgemv", "w4-a8-g4")]; assert not bad, bad; \
	  print("test-exact-cli: %d matmuls on lutgemv w4-a8-g4" % len(mm))' $$r; \
	if $(BUILD)/lpcs ppl $(SHARED)/models/shakespeare-llama.bin $(EXACT_TEXT) --exec exactly > /dev/null 2>$(BUILD)/exact_err.txt; then \
	  echo "--exec exactly was accepted"; exit 1; fi; grep -q "exec wants exact or fake" $(BUILD)/exact_err.txt; \
	for m in shakespeare-llama.bin shakespeare-mmfree.safetensors; do \
	  c=$$($(BUILD)/lpcs ppl $(SHARED)/models/$$m $(EXACT_TEXT) --split val --max-bytes 256 --plan w=p16e1,a=p16e1 --backend cpu --quiet | tail -1); \
	  s=$$($(BUILD)/lpcs ppl $(SHARED)/models/$$m $(EXACT_TEXT) --split val --max-bytes 256 --plan w=p16e1,a=p16e1 --backend sim --quiet | tail -1); \
	  echo "test-exact-cli: $$m cpu $$c sim $$s"; case "$$c" in nll=*) ;; *) exit 1;; esac; [ "$$c" = "$$s" ]; done

# The exact vs fake table (docs/accuracy.md): the whole validation split by
# default (hours of CPU); ACC_BYTES=N for the first N bytes.
ACC_BYTES ?= 0
accuracy-exact: $(BUILD)/lpcs
	bench/exact_accuracy.sh $(BUILD) $(SHARED) $(ACC_BYTES) 2
test_exact_forward_SRCS := tests/ref_llama.c
test_exact_fast_SRCS := tests/ref_llama.c
