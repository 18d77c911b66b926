/* libFuzzer harness: the CSV field reader every sweep-CSV reader goes
 * through (sweep_csv_field, sw_runtime/cli/cmd_sweep.c): `lpcs sweep --plot`,
 * the workload sweep's resume and accuracy-proxy tables. Input: one byte
 * (a small output size), then the line. Every field must come back
 * NUL-terminated inside the buffer; the fields present must be a prefix
 * 0..n-1 (none after the first missing one); a short buffer must give a
 * prefix of the long buffer's field; and on a line without quotes each field
 * must equal the text between its commas (split independently here). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sweep_plot.h"

enum { MAX_LINE = 1 << 12, MAX_FIELDS = 64 };

/* Field k of a quote-free line split at commas (the oracle: the line ends at
 * its first newline); -1 if absent. */
static int split_field(const char *line, int k, char *out, size_t len) {
    char flat[MAX_LINE + 1];
    size_t end = strcspn(line, "\n");
    memcpy(flat, line, end);
    flat[end] = 0;
    const char *s = flat;
    for (int i = 0; i < k; i++) {
        s = strchr(s, ',');
        if (!s) return -1;
        s++;
    }
    size_t n = strcspn(s, ",");
    if (n >= len) n = len - 1;
    memcpy(out, s, n);
    out[n] = 0;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > MAX_LINE) return 0;
    size_t small = 1 + data[0] % 16;
    char line[MAX_LINE + 1];
    memcpy(line, data + 1, size - 1);
    line[size - 1] = 0;
    int quoted = strchr(line, '"') != NULL, absent = 0;
    for (int k = 0; k < MAX_FIELDS; k++) {
        char full[MAX_LINE + 1], part[17], want[MAX_LINE + 1];
        memset(full, 'x', sizeof full), memset(part, 'x', sizeof part);
        int rc = sweep_csv_field(line, k, full, sizeof full);
        if (rc != 0 && rc != -1) abort();
        if (!memchr(full, 0, sizeof full)) abort(); /* not terminated */
        if (rc == 0 && absent) abort();             /* field k after a missing field */
        absent |= rc == -1;
        if (sweep_csv_field(line, k, part, small) != rc) abort();
        if (!memchr(part, 0, small) || strncmp(part, full, strlen(part)) || strlen(part) != strnlen(full, small - 1))
            abort(); /* the short read is not the long read cut */
        if (!quoted) {
            int wrc = split_field(line, k, want, sizeof want);
            if (wrc != rc || (rc == 0 && strcmp(want, full))) abort();
        }
    }
    return 0;
}
