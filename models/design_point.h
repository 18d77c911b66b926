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
#define DP_UNIT_PARAMS 32 /* dp_config.unit_param slots for units without named fields */

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
    /* on-chip SRAM bandwidth, bytes per cycle (0: not a bound); see workload.h */
    double sram_bytes_per_cycle;
    /* CMOS node of the logic and SRAM energy/area (models/tech_scale.h); 45 = the anchors */
    double tech_nm;
    /* compute energy: 0 = activity 1 (every transistor switches per event, the
     * 45 nm constants as before), 1 = the measured RTL activity (arch_consts.h) */
    int activity_model;
    /* number formats: the runtime's --plan string (w=, a=, kv=, per class) */
    char plan[DP_PLAN_LEN];
    /* fields of units added after these (models/unit.h): each unit's
     * descriptor names its slots (DP_UNIT_PARAM_OFF); ints are stored exactly */
    double unit_param[DP_UNIT_PARAMS];
} dp_config;

/* One design-point field: JSON key, kind, where it lives, range, default. */
typedef enum { DP_F_DOUBLE, DP_F_INT, DP_F_STR, DP_F_PARAM_INT } dp_field_kind; /* PARAM_INT: an int in a unit_param slot */
typedef struct {
    const char *name;
    dp_field_kind kind;
    size_t off;      /* offset in dp_config */
    double lo, hi;   /* range (numbers) */
    double def;      /* default (numbers; dp_default) */
} dp_field;
#define DP_FIELD(n, k, lo, hi, def) {#n, k, offsetof(dp_config, n), lo, hi, def}
#define DP_UNIT_PARAM_OFF(slot) (offsetof(dp_config, unit_param) + (size_t)(slot) * sizeof(double))

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

/* Name of field i in table order (JSON / CSV order), NULL past the end. */
const char *dp_field_name(size_t i);

#ifdef __cplusplus
}
#endif
#endif
