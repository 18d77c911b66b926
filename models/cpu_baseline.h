/* A CPU baseline for the analytical model (issue 16, SAIL's comparison): a
 * roofline of a multi-core Arm server running the same workload as a design
 * point, step time = max(MACs / int8 dot-product peak, DRAM bytes / bandwidth).
 * Not a cache or pipeline model: an upper bound on what the CPU can reach
 * (both roofs at their published peaks), so a speedup over it is a lower
 * bound. Defaults and their sources: cpu_neoverse_n1(). */
#ifndef LPCS_MODELS_CPU_BASELINE_H
#define LPCS_MODELS_CPU_BASELINE_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int cores;
    double clock_ghz;
    double int8_macs_per_core_cycle; /* SDOT lanes x vector pipes */
    double dram_gbps;                /* socket DRAM bandwidth, 1e9 B/s */
} cpu_config;

/* AWS Graviton2 (c6g.16xlarge): 64 Arm Neoverse-N1 cores at 2.5 GHz; two
 * 128-bit ASIMD pipes per core, SDOT = 16 int8 MACs per instruction, two per
 * cycle (Arm Neoverse N1 Software Optimization Guide) -> 32 MACs/cycle/core;
 * 8 channels of DDR4-3200 = 204.8 GB/s peak (AWS Graviton2 specifications). */
void cpu_neoverse_n1(cpu_config *c);
/* The same roofline for a GPU (SAIL's other baseline): NVIDIA Tesla V100
 * SXM2 (V100 datasheet): 80 SMs at 1.53 GHz boost, 8 tensor cores per SM x 64
 * fp16 FMAs per clock = 512 MACs/cycle/SM (125 TFLOPS; int4 weights
 * dequantized to fp16 for free, in the GPU's favour), 900 GB/s HBM2. */
void cpu_v100(cpu_config *c);

typedef struct {
    double compute_s, mem_s, step_s;
    int dram_bound; /* 1: bytes / bandwidth is the larger roof */
} cpu_step;

/* One step moving `dram_bytes` and doing `macs` multiply-accumulates (int4 or
 * int8 weights at the int8 SDOT rate: unpacking int4 is assumed free, in the
 * CPU's favour). 0, or -1 on a bad config or negative work. */
int cpu_step_time(const cpu_config *c, double macs, double dram_bytes, cpu_step *out);

#ifdef __cplusplus
}
#endif
#endif
