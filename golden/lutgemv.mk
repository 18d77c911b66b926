# SRAM-PIM LUT-GEMV golden model (issue 5).
GOLDEN_SRCS += golden/lutgemv.c
