# LUT-GEMV cycle / energy model (issue 5).
MODELS_SRCS += models/lutgemv_model.c
