/* libFuzzer harness: a workload shape as JSON text (models/workload.c,
 * wl_shape_parse). A rejection must carry a message; an accepted shape must
 * be costed on the default design point without a crash, with finite,
 * non-negative results. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "design_point.h"
#include "workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 14) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    wl_shape s;
    char err[512] = "";
    if (wl_shape_parse(text, &s, err, sizeof err) != 0) {
        if (!err[0]) abort(); /* every rejection must say why */
    } else {
        if (s.layers > 256) s.layers = 256; /* keep one input fast; the layer loop is linear */
        wl_params p;
        wl_params_default(&s, &p);
        p.prompt = 8, p.gen = 4;
        dp_config d;
        dp_default(&d);
        wl_result r;
        if (wl_evaluate(&s, &p, &d, &r, err, sizeof err) != 0) abort();
        if (!(r.ttft_s > 0) || !(r.tpot_s > 0) || !isfinite(r.energy_per_token_j) || r.prefill.dram_bytes < 0) abort();
    }
    free(text);
    return 0;
}
