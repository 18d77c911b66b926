/* libFuzzer harness: one design point as JSON text (models/design_point.c,
 * dp_parse_json_text on top of the defaults, then dp_check). A rejection
 * must carry a message; an accepted point must pass dp_check (the parser
 * checks what it accepts), keep a NUL-terminated id, and survive a round
 * trip: dp_to_json, parsed again, gives the same JSON line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "design_point.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 16) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    dp_config d;
    dp_default(&d);
    char err[512] = "";
    if (dp_parse_json_text(text, &d, err, sizeof err) != 0) {
        if (!err[0]) abort(); /* every rejection must say why */
    } else {
        char err2[512] = "";
        if (dp_check(&d, err2, sizeof err2) != 0) abort(); /* accepted, yet invalid */
        if (!memchr(d.id, 0, sizeof d.id)) abort();
        static char line1[1 << 14], line2[1 << 14];
        if (dp_to_json(&d, line1, sizeof line1) != 0) abort();
        dp_config d2;
        dp_default(&d2);
        if (dp_parse_json_text(line1, &d2, err2, sizeof err2) != 0) abort(); /* its own output refused */
        if (dp_to_json(&d2, line2, sizeof line2) != 0 || strcmp(line1, line2)) abort();
    }
    free(text);
    return 0;
}
