/* Cycle, energy and area model of the shift-MAC GEMV engine (rtl/shiftmac_gemv.v).
 *
 * Cycles of one GEMV y[rows] = W x on an engine of LANES x KTILE with a
 * WDEPTH-word weight buffer and an XDEPTH-word activation buffer, driven as
 * the co-sim driver does (x loaded once, the matrix run in row chunks that
 * fit the weight buffer):
 *   T       = ceil(cols / KTILE)                  K tiles (one buffer word each)
 *   chunk   = floor(WDEPTH / T) * LANES           rows per weight-buffer load
 *   load_x  = T                                   one activation word per cycle
 *   per chunk of r rows, G = ceil(r / LANES):
 *     load_w  = G * T                             one weight word per cycle
 *     compute = G * T + 3                         start -> done: 1 accept, G*T issue,
 *                                                 2 pipeline stages (tile sums, accumulate)
 *   total   = load_x + sum over chunks (load_w + compute)
 * Every term equals the RTL's measured cycles (the co-sim checks each case).
 *
 * Energy (pJ) = event counts x per-event energies (shiftmac_energy_params):
 *   weight reads  : G*T words * 4*LANES*KTILE bits * e_sram_read_bit   (per chunk)
 *   x reads       : G*T words * 8*KTILE bits * e_sram_read_bit
 *   terms         : rows*cols * e_shift_term   (barrel shift + negate + one tree add)
 *   accumulate    : G*T*LANES * 32 * e_add_bit
 *   loads         : (weight + x words written) * bits * e_sram_write_bit
 * Defaults are PLACEHOLDERS with magnitudes from Horowitz, ISSCC 2014 (45 nm);
 * the source of each is next to it in shiftmac_model.c.
 *
 * Area: generic yosys cells of the datapath + control (buffers excluded, kept
 * as $mem cells) from rtl/shiftmac_yosys.sh, fitted as
 *   cells = a0 + a_lane * LANES   at KTILE = 16 (constants in shiftmac_model.c). */
#ifndef LPCS_MODELS_SHIFTMAC_MODEL_H
#define LPCS_MODELS_SHIFTMAC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int lanes, ktile, wdepth, xdepth; /* the RTL parameters */
} shiftmac_model_cfg;

typedef struct {
    uint64_t chunks, load_x, load_w, compute, total;
} shiftmac_cycles;

typedef struct {
    double e_sram_read_bit, e_sram_write_bit, e_add_bit, e_shift_term; /* pJ */
} shiftmac_energy_params;

typedef struct {
    double weight_reads, x_reads, terms, accumulate, loads, total; /* pJ */
} shiftmac_energy;

shiftmac_model_cfg shiftmac_model_defaults(void);   /* 8 x 16, WDEPTH 2048, XDEPTH 64 */
shiftmac_energy_params shiftmac_energy_defaults(void);

/* LPCS_OK; LPCS_EINVAL on NULL or a bad cfg; LPCS_ERANGE if cols is 0 or
 * exceeds XDEPTH*KTILE, or rows is 0. */
int shiftmac_model_cycles(const shiftmac_model_cfg *c, size_t rows, size_t cols, shiftmac_cycles *out);
int shiftmac_model_energy(const shiftmac_model_cfg *c, size_t rows, size_t cols,
                          const shiftmac_energy_params *e, shiftmac_energy *out);
/* Generic cells of the engine at KTILE = 16 (the fit above); 0 for a bad cfg. */
double shiftmac_model_area_cells(const shiftmac_model_cfg *c);

#ifdef __cplusplus
}
#endif
#endif
