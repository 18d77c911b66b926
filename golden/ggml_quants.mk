# golden/ggml_quants.mk: llama.cpp ggml block formats (dequantize, reference quantizers, dot products).
GOLDEN_SRCS += golden/ggml_quants.c
GOLDEN_SRCS += golden/ggml_x86.c
