/* The library's built-in backends, in scheduling priority order. */
#include <string.h>

#include "engine.h"

void rt_sched_default(rt_sched_opts *o) {
    static const rt_backend_iface *const builtin[] = {&rt_backend_cuda, &rt_backend_rtl, &rt_backend_sim,
                                                     &rt_backend_cpu};
    memset(o, 0, sizeof *o);
    o->wanted = -1;
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
        o->backends[i].iface = builtin[i];
        o->backends[i].enabled = 1;
    }
    o->n_backends = (int)(sizeof builtin / sizeof builtin[0]);
}
