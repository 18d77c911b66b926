/* One accelerator design point: clock, array sizes, number formats (as the
 * runtime's --plan string), on-chip memory sizes and the DRAM interface.
 * Parsed from JSON (libjansson); every field is documented in models/README.md.
 * Missing fields take the defaults of dp_default(); unknown fields are an
 * error (a typo must not silently fall back to a default). */
#ifndef LPCS_MODELS_DESIGN_POINT_H
#define LPCS_MODELS_DESIGN_POINT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DP_ID_LEN 96
#define DP_PLAN_LEN 256

typedef struct {
    char id[DP_ID_LEN];       /* unique name of the point (sweep rows are keyed by it) */
    double clock_ghz;         /* one clock for every unit */
    /* RMMEC posit/FP4 SIMD MAC array (rtl/rmmec.v) */
    int rmmec_units;
    /* ternary GEMV engine (rtl/ternary_gemv.v): LANES rows x KTILE columns per cycle */
    int ternary_lanes, ternary_ktile;
    int ternary_overlap_load; /* 0: as rtl/ternary_gemv.v (weight buffer loaded, then run); 1: loads overlap runs */
    /* SRAM-PIM LUT-GEMV banks (rtl/pim_bank.v) */
    int pim_banks, pim_rows_per_bank, pim_g, pim_entry_bits;
    double pim_kib;           /* table SRAM per bank */
    /* vector unit (norms, rope, softmax, activations): fp32 lanes */
    int vector_lanes;
    /* on-chip weight/activation SRAM and DRAM */
    double sram_kib;
    double dram_gbps;         /* sustained bandwidth, GB/s (1e9 bytes/s) */
    double dram_latency_ns;   /* first-byte latency of one DMA burst */
    double dma_burst_bytes;   /* DMA transfer granule (platform tiles) */
    /* number formats: the runtime's --plan string (w=, a=, kv=, per class) */
    char plan[DP_PLAN_LEN];
} dp_config;

void dp_default(dp_config *d);
/* 0 if every field is in range, else -1 with a message in err. */
int dp_check(const dp_config *d, char *err, size_t errlen);
/* Parses a JSON object text (one design point) on top of the defaults. */
int dp_parse_json_text(const char *text, dp_config *d, char *err, size_t errlen);
/* Reads a design-point JSON file. */
int dp_load_file(const char *path, dp_config *d, char *err, size_t errlen);

/* Field table, for sweeps: set one field from a JSON value given as text
 * (a number or a string). -1 with a message if the field is unknown. */
int dp_set_field(dp_config *d, const char *key, const char *num_or_str, int is_string, char *err, size_t errlen);
/* Writes the point as one JSON object line (fields in table order). */
int dp_to_json(const dp_config *d, char *out, size_t outlen);

/* Names of the fields, NULL-terminated (in table order). */
const char *const *dp_field_names(void);

#ifdef __cplusplus
}
#endif
#endif
