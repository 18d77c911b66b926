# sw_runtime/: model loading, graph, scheduler, backends (liblpcsrt.a).
RUNTIME_SRCS +=
