/* libFuzzer harness: one `lpcs ppl --shard-out` file (sw_runtime/ppl_shard.c,
 * rt_ppl_shard_parse). A rejection must carry a message; an accepted shard
 * must survive a round trip (written, parsed again: the same windows, bit
 * for bit) and combine alone exactly when it covers every window. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppl_shard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 16) return 0;
    rt_ppl_shard sh, again;
    rt_err e = {0, ""};
    if (rt_ppl_shard_parse((const char *)data, size, "fuzz", &sh, &e)) {
        if (!e.msg[0]) abort(); /* every rejection must say why */
        return 0;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f || rt_ppl_shard_write(f, &sh, &e) || fclose(f)) abort();
    if (rt_ppl_shard_parse(buf, len, "again", &again, &e)) abort(); /* its own output refused */
    if (again.w.count != sh.w.count || again.w.first != sh.w.first ||
        memcmp(again.w.nll, sh.w.nll, sh.w.count * sizeof *sh.w.nll) ||
        memcmp(again.w.targets, sh.w.targets, sh.w.count * sizeof *sh.w.targets))
        abort(); /* lost bits in the round trip */
    rt_ppl_result res;
    int whole = sh.w.first == 0 && sh.w.count == sh.key.windows_total;
    e.msg[0] = 0;
    int rc = rt_ppl_shard_combine(&sh, 1, &res, &e);
    if (whole != !rc || (rc && !e.msg[0])) abort();
    rt_ppl_shard_free(&sh), rt_ppl_shard_free(&again);
    free(buf);
    return 0;
}
