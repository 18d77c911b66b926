/* The backend registry, in scheduling priority order. */
#include "engine.h"

extern const rt_backend rt_backend_cuda, rt_backend_rtl, rt_backend_sim, rt_backend_cpu;

const rt_backend *rt_backend_get(int id) {
    static const rt_backend *const all[RT_BACKEND_COUNT] = {&rt_backend_cuda, &rt_backend_rtl, &rt_backend_sim,
                                                            &rt_backend_cpu};
    return id >= 0 && id < RT_BACKEND_COUNT ? all[id] : &rt_backend_cpu;
}
