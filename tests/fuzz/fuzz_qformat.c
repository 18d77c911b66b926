/* libFuzzer harness: qformat_parse on an arbitrary name, then
 * qformat_roundtrip on arbitrary fp32 input (NaN, Inf, subnormals, huge rows).
 * Input: [name bytes] '\0' [row_len byte] [floats...]. Checks: no crash or
 * UB, and the in-place roundtrip (in == out, which the API allows) gives
 * the same bits as the out-of-place one. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qformat.h"
#include "status.h"

static int same_bits(float a, float b) {
    uint32_t x, y;
    memcpy(&x, &a, 4);
    memcpy(&y, &b, 4);
    return x == y || (isnan(a) && isnan(b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *nul = memchr(data, 0, size);
    if (!nul || nul - data > 64) return 0;
    char name[65];
    memcpy(name, data, (size_t)(nul - data) + 1);
    qformat f;
    if (qformat_parse(name, &f) != LPCS_OK) return 0;
    const uint8_t *p = nul + 1;
    size_t left = size - (size_t)(p - data);
    if (left < 1) return 0;
    size_t row_len = p[0] ? p[0] : 1;
    p++, left--;
    size_t n = left / 4;
    n -= n % row_len;
    if (n == 0) return 0;
    float *in = malloc(n * 4), *out = malloc(n * 4), *again = malloc(n * 4);
    if (!in || !out || !again) abort();
    memcpy(in, p, n * 4);
    int rc = qformat_roundtrip(&f, in, out, n, row_len);
    if (rc == LPCS_OK) {
        /* in and out may alias: in-place must give the same answer */
        memcpy(again, in, n * 4);
        if (qformat_roundtrip(&f, again, again, n, row_len) != LPCS_OK) abort();
        for (size_t i = 0; i < n; i++)
            if (!same_bits(out[i], again[i])) abort();
    }
    (void)qformat_bits_per_value(&f);
    free(in);
    free(out);
    free(again);
    return 0;
}
