# golden/shiftmac.mk: the shift-MAC unit (DenseShift-style power-of-two weights).
GOLDEN_SRCS += golden/shiftmac.c
