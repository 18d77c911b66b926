# LUT-GEMV cycle / energy model (issue 5).
RUNTIME_SRCS += models/lutgemv_model.c
