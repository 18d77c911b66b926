# Runtime (sw_runtime/) tests: loaders on malformed input, the op-list
# forwards against independent oracles, ppl on validation slices, greedy
# samples, CLI behaviour. Full-split checks are LONG_STEPS, benchmarks BENCH_STEPS.
UNIT_TESTS += test_runtime_loaders
UNIT_TESTS += test_runtime_model
