/* Shift-MAC cycle / energy / area model; formulas in shiftmac_model.h. */
#include "shiftmac_model.h"

#include "status.h"

shiftmac_model_cfg shiftmac_model_defaults(void) {
    shiftmac_model_cfg c = {.lanes = 8, .ktile = 16, .wdepth = 2048, .xdepth = 64};
    return c;
}

shiftmac_energy_params shiftmac_energy_defaults(void) {
    /* PLACEHOLDERS (Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm):
     * 8 KB SRAM 64-bit read 10 pJ; 32-bit add 0.1 pJ; 8-bit add 0.03 pJ. */
    shiftmac_energy_params e = {
        .e_sram_read_bit = 10.0 / 64.0,
        .e_sram_write_bit = 10.0 / 64.0, /* placeholder: write taken equal to read */
        .e_add_bit = 0.1 / 32.0,
        /* placeholder: a 16-bit term = 3-level mux shifter + conditional negate +
         * its share of a 16..20-bit adder tree, taken as two 16-bit adds */
        .e_shift_term = 2.0 * 0.1 / 2.0,
    };
    return e;
}

static int cfg_ok(const shiftmac_model_cfg *c) {
    return c && c->lanes >= 1 && c->ktile >= 2 && (c->ktile & (c->ktile - 1)) == 0 && c->wdepth >= 1 &&
           c->xdepth >= 1;
}

int shiftmac_model_cycles(const shiftmac_model_cfg *c, size_t rows, size_t cols, shiftmac_cycles *out) {
    if (!cfg_ok(c) || !out) return LPCS_EINVAL;
    if (rows == 0 || cols == 0 || cols > (size_t)c->xdepth * (size_t)c->ktile) return LPCS_ERANGE;
    const uint64_t T = (cols + (size_t)c->ktile - 1) / (size_t)c->ktile;
    const uint64_t chunk = (uint64_t)c->wdepth / T * (uint64_t)c->lanes;
    *out = (shiftmac_cycles){0};
    out->load_x = T;
    for (uint64_t r0 = 0; r0 < rows; r0 += chunk) {
        uint64_t r = rows - r0 < chunk ? rows - r0 : chunk;
        uint64_t G = (r + (uint64_t)c->lanes - 1) / (uint64_t)c->lanes;
        out->load_w += G * T;
        out->compute += G * T + 3;
        out->chunks++;
    }
    out->total = out->load_x + out->load_w + out->compute;
    return LPCS_OK;
}

int shiftmac_model_energy(const shiftmac_model_cfg *c, size_t rows, size_t cols,
                          const shiftmac_energy_params *e, shiftmac_energy *out) {
    shiftmac_cycles cy;
    if (!e || !out) return LPCS_EINVAL;
    int st = shiftmac_model_cycles(c, rows, cols, &cy);
    if (st) return st;
    const double words = (double)cy.load_w; /* weight words written = words read */
    const double T = (double)cy.load_x, wbits = 4.0 * c->lanes * c->ktile, xbits = 8.0 * c->ktile;
    out->weight_reads = words * wbits * e->e_sram_read_bit;
    out->x_reads = words * xbits * e->e_sram_read_bit;
    out->terms = (double)rows * (double)cols * e->e_shift_term;
    out->accumulate = words * c->lanes * 32.0 * e->e_add_bit;
    out->loads = (words * wbits + T * xbits) * e->e_sram_write_bit;
    out->total = out->weight_reads + out->x_reads + out->terms + out->accumulate + out->loads;
    return LPCS_OK;
}

double shiftmac_model_area_cells(const shiftmac_model_cfg *c) {
    /* Fit of `make shiftmac-yosys` (rtl/shiftmac_yosys.sh, KTILE 16, WDEPTH 2048,
     * XDEPTH 64; docs/shiftmac.md). Other KTILE: scaled per weight lane-slot. */
    const double a0 = 539.0, a_lane = 3740.25; /* L=4: 15,500 cells, L=8: 30,461 (yosys 0.23) */
    if (!cfg_ok(c)) return 0.0;
    return a0 + a_lane * c->lanes * (c->ktile / 16.0);
}
