# LUT-GEMV cpu kernel for the runtime's cpu backend (issue 5).
RUNTIME_SRCS += sw_runtime/kernels/lut_gemv_cpu.c
# fp32-accumulating kernels in golden's dot order (issue 18).
RUNTIME_SRCS += sw_runtime/kernels/fp_cpu.c
RUNTIME_SRCS += sw_runtime/kernels/pool.c
# int8 / int4 weights x int8 activations (golden/intdot.h; issue 18).
RUNTIME_SRCS += sw_runtime/kernels/int_cpu.c
