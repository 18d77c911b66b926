# models/: design-point config, analytical cycle/energy/area models (issue 9).
RUNTIME_SRCS += models/design_point.c models/arch_model.c
