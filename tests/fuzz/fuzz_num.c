/* libFuzzer harness: the `lpcs num` request evaluator on arbitrary lines,
 * tokenized as `lpcs num --stdin` does. Any crash, sanitizer report or an
 * evaluator that fails without a message is a bug. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/num_eval.h"

#define FUZZ_MAX_TOKENS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 16) return 0;
    char *line = malloc(size + 1);
    if (!line) return 0;
    memcpy(line, data, size);
    line[size] = '\0';
    char *tok[FUZZ_MAX_TOKENS];
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t\r\n", &save); t && n < FUZZ_MAX_TOKENS; t = strtok_r(NULL, " \t\r\n", &save))
        tok[n++] = t;
    num_result r;
    char err[256] = "";
    if (num_evaluate(n, tok, &r, err, sizeof err) != 0) {
        if (!err[0]) abort(); /* every rejection must say why */
    } else if (r.width_bits < 1 || r.width_bits > 64 || (r.width_bits < 64 && r.bits >> r.width_bits)) {
        abort(); /* result wider than its format */
    }
    free(line);
    return 0;
}
