# sw_runtime/: model loading, graph, scheduler, backends (liblpcsrt.a).
RUNTIME_SRCS += $(sort $(wildcard sw_runtime/*.c))
