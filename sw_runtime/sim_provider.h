/* Hook of the `sim` backend (backend_sim.c): a provider that runs the ops
 * placed on sim, e.g. the SystemC platform (sim/platform/platform_rt.c,
 * linked into build/lpcs only). Without one, sim uses its placeholder
 * roofline model. */
#ifndef LPCS_RT_SIM_PROVIDER_H
#define LPCS_RT_SIM_PROVIDER_H

#include "engine.h"

typedef struct {
    const char *name; /* for reports */
    int (*supports)(const rt_engine *eng, const rt_op *op);
    int (*exec)(rt_engine *eng, rt_op *op); /* results + op->st.cycles / energy_pj */
} rt_sim_provider;

extern const rt_sim_provider *rt_sim_provider_active;

#endif
