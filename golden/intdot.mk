# Integer matmul with int8 activations (issue 18): the contract of the cpu
# backend's `intdot` plan keyword.
GOLDEN_SRCS += golden/intdot.c
