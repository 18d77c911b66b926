/* The `lpcs num` request evaluator, separate from the command so tests and
 * fuzz harnesses (tests/fuzz/) can call it without a process per request. */
#ifndef LPCS_CLI_NUM_EVAL_H
#define LPCS_CLI_NUM_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "minifloat.h"
#include "posit.h"

#define NUM_MAX_FDP 4096 /* terms of one fdp request */

typedef struct {
    int is_posit;
    posit_cfg pc;
    mf_format mf;
    mf_sat sat;
    int bits;
} num_format;

typedef struct {
    uint64_t bits;  /* result pattern */
    int width_bits; /* width to print it with */
    double value;   /* decoded value */
    int is_nar;
} num_result;

/* Parses a format name (pNeE or a minifloat name); -1 with a message in err. */
int num_parse_format(const char *s, num_format *f, char *err, size_t errlen);
/* Fills r with a pattern of format f and its decoded value. */
void num_set_result(const num_format *f, uint32_t bits, num_result *r);
/* Evaluates one "FORMAT OP ARGS..." request (argv[0] = FORMAT); 0 on success,
 * -1 with a message in err for any malformed request. */
int num_evaluate(int argc, char **argv, num_result *r, char *err, size_t errlen);

#endif
