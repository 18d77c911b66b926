# golden/ternary.mk: ternary packing/quantizers/GEMV, BitLinear, HGRN-Bit layer ops.
GOLDEN_SRCS += golden/ternary.c golden/bitlinear.c golden/hgrn.c golden/ternary_gguf.c golden/tequila.c
