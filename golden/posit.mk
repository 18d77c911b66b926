# golden/posit.mk: posit(n, es) arithmetic and quires (see golden/README.md).
GOLDEN_SRCS += golden/posit.c golden/quire.c
