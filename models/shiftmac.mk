# models/shiftmac.mk: shift-MAC cycle / energy / area model.
RUNTIME_SRCS += models/shiftmac_model.c
