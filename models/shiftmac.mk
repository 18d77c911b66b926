# models/shiftmac.mk: shift-MAC cycle / energy / area model.
MODELS_SRCS += models/shiftmac_model.c
