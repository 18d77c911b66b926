# golden/rmmec: functional model of the RMMEC posit/FP4 SIMD MAC.
GOLDEN_SRCS += golden/rmmec.c
