# golden/ number formats owned by the floats module: minifloats, integer
# quantizers, MX / NVFP4 block formats, and the qformat entry point.
GOLDEN_SRCS += golden/minifloat.c golden/intq.c golden/mx.c golden/qformat.c
