/* CPU roofline baseline (see cpu_baseline.h). */
#include "cpu_baseline.h"

void cpu_neoverse_n1(cpu_config *c) {
    c->cores = 64;
    c->clock_ghz = 2.5;
    c->int8_macs_per_core_cycle = 2 * 16;
    c->dram_gbps = 8 * 3200e6 * 8 / 1e9; /* 8 channels x 3200 MT/s x 8 bytes */
}

void cpu_v100(cpu_config *c) {
    c->cores = 80;
    c->clock_ghz = 1.53;
    c->int8_macs_per_core_cycle = 8 * 64;
    c->dram_gbps = 900;
}

int cpu_step_time(const cpu_config *c, double macs, double dram_bytes, cpu_step *out) {
    if (!c || !out || c->cores < 1 || !(c->clock_ghz > 0) || !(c->int8_macs_per_core_cycle > 0) ||
        !(c->dram_gbps > 0) || !(macs >= 0) || !(dram_bytes >= 0))
        return -1;
    out->compute_s = macs / (c->cores * c->clock_ghz * 1e9 * c->int8_macs_per_core_cycle);
    out->mem_s = dram_bytes / (c->dram_gbps * 1e9);
    out->dram_bound = out->mem_s > out->compute_s;
    out->step_s = out->dram_bound ? out->mem_s : out->compute_s;
    return 0;
}
