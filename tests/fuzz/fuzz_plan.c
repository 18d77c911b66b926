/* libFuzzer harness: number-format plans (sw_runtime/plan.c). The first
 * byte picks the input kind:
 *   even  a plan string: rt_plan_parse(the rest)
 *   odd   a plan file: the rest is written to a temporary file, parsed as
 *         "@FILE" (comments, newlines, the 64 KiB limit, nesting refused)
 * A rejection must carry a message; an accepted plan must answer every
 * tensor-class / layer query with a format. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_file.h"
#include "plan.h"

static char plan_path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > (1 << 17)) return 0;
    if (!plan_path[0]) fuzz_tmp_path(plan_path, sizeof plan_path, "plan");
    char *spec;
    if (data[0] & 1) {
        fuzz_write_file(plan_path, data + 1, size - 1);
        spec = malloc(sizeof plan_path + 1);
        if (!spec) return 0;
        snprintf(spec, sizeof plan_path + 1, "@%s", plan_path);
    } else {
        spec = malloc(size);
        if (!spec) return 0;
        memcpy(spec, data + 1, size - 1);
        spec[size - 1] = '\0';
    }
    rt_plan p;
    rt_plan_default(&p);
    rt_err e = {0, ""};
    if (rt_plan_parse(&p, spec, &e) != 0) {
        if (!e.msg[0]) abort(); /* every rejection must say why */
    } else {
        for (int layer = -1; layer < 64; layer++) {
            for (int c = 0; c < WC_N; c++)
                if (!rt_plan_w(&p, (rt_wclass)c, layer) || !rt_plan_a(&p, (rt_wclass)c, layer)) abort();
            if (!rt_plan_kv(&p, layer)) abort();
        }
        (void)rt_plan_is_fp32(&p);
    }
    free(spec);
    return 0;
}
