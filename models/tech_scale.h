/* Technology scaling of the 45 nm energy and area anchors (arch_consts.h) to
 * other CMOS nodes, from Stillmaker & Baas, "Scaling equations for the
 * accurate prediction of CMOS device performance from 180 nm to 7 nm",
 * Integration, the VLSI Journal 58 (2017) 74-81:
 *   energy: their per-node energy polynomial a*V^2 + b*V + c (high-performance
 *           PTM devices), evaluated at the node's nominal supply, divided by
 *           the 45 nm value at 1.0 V;
 *   area:   their 45 nm -> node area factor.
 * Nodes of the paper: 45, 32, 20, 16, 14, 10, 7 nm. 28 and 22 nm are not
 * in the paper: their factors are interpolated log-linearly in the node
 * between 32 and 20 nm (stated wherever they are used). The coefficients,
 * supplies and how each number was checked: docs/dse/energy.md. DRAM energy
 * is off chip and does not scale with the logic node. */
#ifndef LPCS_MODELS_TECH_SCALE_H
#define LPCS_MODELS_TECH_SCALE_H

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if nm is a node with factors (45, 32, 28, 22, 20, 16, 14, 10, 7). */
int tech_node_known(double nm);
/* Energy per operation at nm relative to 45 nm (1 at 45; 0 if unknown). */
double tech_energy_factor(double nm);
/* Area at nm relative to 45 nm (1 at 45; 0 if unknown). */
double tech_area_factor(double nm);
/* 1 if nm's factors are interpolated (not a node of the paper). */
int tech_node_interpolated(double nm);

#ifdef __cplusplus
}
#endif
#endif
