/* The `lpcs num` request evaluator (see num_eval.h). */
#include "cli/num_eval.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qformat.h"
#include "quire.h"
#include "status.h"

#define NUM_MAX_ARGS 3

/* Names come from the one format registry, golden/qformat.h: the element
 * formats (minifloats, posits) are the ones `lpcs num` computes in. */
int num_parse_format(const char *s, num_format *f, char *err, size_t errlen) {
    memset(f, 0, sizeof *f);
    qformat q;
    if (qformat_parse(s, &q) == LPCS_OK && q.kind == QF_MINIFLOAT) {
        f->mf = (mf_format)q.mf;
        f->sat = (mf_sat)q.sat;
        f->bits = mf_get_info(f->mf)->bits;
        return 0;
    }
    if (qformat_parse(s, &q) == LPCS_OK && q.kind == QF_POSIT) {
        posit_cfg c = {q.posit_n, q.posit_es};
        if (posit_cfg_check(c) != 0) {
            snprintf(err, errlen, "posit format '%s' out of range (need 2 <= N <= 32, 0 <= E <= 3)", s);
            return -1;
        }
        f->is_posit = 1;
        f->pc = c;
        f->bits = q.posit_n;
        return 0;
    }
    if (s[0] == 'p' && s[1] >= '0' && s[1] <= '9' && strchr(s, 'e')) {
        snprintf(err, errlen, "posit format '%s' out of range (need 2 <= N <= 32, 0 <= E <= 3)", s);
        return -1;
    }
    snprintf(err, errlen, "unknown format '%s' (lpcs num --help lists them)", s);
    return -1;
}

/* Parses a hex bit pattern of at most `bits` bits. */
static int parse_hex(const char *s, int bits, uint64_t *out, char *err, size_t errlen) {
    const char *p = s;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2;
    if (!*p) {
        snprintf(err, errlen, "operand '%s' is not a hex bit pattern", s);
        return -1;
    }
    uint64_t v = 0;
    int digits = 0;
    for (; *p; p++) {
        int d;
        if (*p >= '0' && *p <= '9') d = *p - '0';
        else if (*p >= 'a' && *p <= 'f') d = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F') d = *p - 'A' + 10;
        else {
            snprintf(err, errlen, "operand '%s' is not a hex bit pattern", s);
            return -1;
        }
        if (v >> 60) {
            snprintf(err, errlen, "operand '%s' is wider than 64 bits", s);
            return -1;
        }
        v = v << 4 | (uint64_t)d;
        digits++;
    }
    (void)digits;
    if (bits < 64 && (v >> bits) != 0) {
        snprintf(err, errlen, "operand '%s' does not fit in %d bits", s, bits);
        return -1;
    }
    *out = v;
    return 0;
}

void num_set_result(const num_format *f, uint32_t bits, num_result *r) {
    r->bits = bits;
    r->width_bits = f->bits;
    if (f->is_posit) {
        r->is_nar = bits == posit_nar(f->pc);
        r->value = posit_to_double(f->pc, bits);
    } else {
        r->is_nar = 0;
        r->value = mf_to_f64(f->mf, bits);
    }
}

static uint32_t num_binary(const num_format *f, const char *op, uint32_t a, uint32_t b) {
    if (f->is_posit) {
        if (!strcmp(op, "add")) return posit_add(f->pc, a, b);
        if (!strcmp(op, "sub")) return posit_sub(f->pc, a, b);
        if (!strcmp(op, "mul")) return posit_mul(f->pc, a, b);
        return posit_div(f->pc, a, b);
    }
    if (!strcmp(op, "add")) return mf_add(f->mf, f->sat, a, b);
    if (!strcmp(op, "sub")) return mf_sub(f->mf, f->sat, a, b);
    if (!strcmp(op, "mul")) return mf_mul(f->mf, f->sat, a, b);
    return mf_div(f->mf, f->sat, a, b);
}

/* fdp argument: "A1:B1,A2:B2,..." */
static int run_fdp(const num_format *f, const char *list, num_result *r, char *err, size_t errlen) {
    if (!f->is_posit) {
        snprintf(err, errlen, "fdp needs a posit format");
        return -1;
    }
    uint32_t *a = malloc(NUM_MAX_FDP * sizeof *a), *b = malloc(NUM_MAX_FDP * sizeof *b);
    char *copy = strdup(list);
    int rc = 0;
    size_t n = 0;
    if (!a || !b || !copy) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
        goto done;
    }
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(tok, ':');
        uint64_t va, vb;
        if (!colon) {
            snprintf(err, errlen, "fdp term '%s' is not A:B", tok);
            rc = -1;
            goto done;
        }
        *colon = '\0';
        if (n == NUM_MAX_FDP) {
            snprintf(err, errlen, "fdp takes at most %d terms", NUM_MAX_FDP);
            rc = -1;
            goto done;
        }
        if (parse_hex(tok, f->bits, &va, err, errlen) || parse_hex(colon + 1, f->bits, &vb, err, errlen)) {
            rc = -1;
            goto done;
        }
        a[n] = (uint32_t)va;
        b[n] = (uint32_t)vb;
        n++;
    }
    if (n == 0) {
        snprintf(err, errlen, "fdp needs at least one A:B term");
        rc = -1;
        goto done;
    }
    num_set_result(f, posit_fdp(f->pc, a, b, n), r);
done:
    free(a);
    free(b);
    free(copy);
    return rc;
}

int num_evaluate(int argc, char **argv, num_result *r, char *err, size_t errlen) {
    num_format f;
    if (argc < 2) {
        snprintf(err, errlen, "expected FORMAT OP ARGS...");
        return -1;
    }
    if (num_parse_format(argv[0], &f, err, errlen)) return -1;
    const char *op = argv[1];
    int nargs = argc - 2;
    static const struct {
        const char *name;
        int nargs;
    } ops[] = {{"add", 2},      {"sub", 2},      {"mul", 2},    {"div", 2},    {"sqrt", 1},
               {"fma", 3},      {"neg", 1},      {"from-f32", 1}, {"from-f64", 1}, {"to-f32", 1},
               {"to-f64", 1},   {"fdp", 1}};
    int known = -1;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(op, ops[i].name)) known = (int)i;
    if (known < 0) {
        snprintf(err, errlen, "unknown operation '%s' (lpcs num --help lists them)", op);
        return -1;
    }
    if (nargs != ops[known].nargs) {
        snprintf(err, errlen, "'%s' takes %d operand%s, got %d", op, ops[known].nargs,
                 ops[known].nargs == 1 ? "" : "s", nargs);
        return -1;
    }
    if (!strcmp(op, "fdp")) return run_fdp(&f, argv[2], r, err, errlen);

    int in_bits = f.bits;
    if (!strcmp(op, "from-f32")) in_bits = 32;
    if (!strcmp(op, "from-f64")) in_bits = 64;
    uint64_t v[NUM_MAX_ARGS] = {0};
    for (int i = 0; i < nargs; i++)
        if (parse_hex(argv[2 + i], in_bits, &v[i], err, errlen)) return -1;
    uint32_t a = (uint32_t)v[0], b = (uint32_t)v[1], c = (uint32_t)v[2];

    if (!strcmp(op, "from-f32")) {
        float x;
        memcpy(&x, &a, sizeof x);
        num_set_result(&f, f.is_posit ? posit_from_float(f.pc, x) : mf_from_f32(f.mf, x, f.sat), r);
    } else if (!strcmp(op, "from-f64")) {
        double x;
        memcpy(&x, &v[0], sizeof x);
        num_set_result(&f, f.is_posit ? posit_from_double(f.pc, x) : mf_from_f64(f.mf, x, f.sat), r);
    } else if (!strcmp(op, "to-f64")) {
        double x = f.is_posit ? posit_to_double(f.pc, a) : mf_to_f64(f.mf, a);
        memcpy(&r->bits, &x, sizeof x);
        r->width_bits = 64;
        r->value = x;
        r->is_nar = 0;
    } else if (!strcmp(op, "to-f32")) {
        float x = f.is_posit ? posit_to_float(f.pc, a) : mf_to_f32(f.mf, a);
        uint32_t xb;
        memcpy(&xb, &x, sizeof xb);
        r->bits = xb;
        r->width_bits = 32;
        r->value = x;
        r->is_nar = 0;
    } else if (!strcmp(op, "sqrt")) {
        num_set_result(&f, f.is_posit ? posit_sqrt(f.pc, a) : mf_sqrt(f.mf, f.sat, a), r);
    } else if (!strcmp(op, "neg")) {
        num_set_result(&f, f.is_posit ? posit_neg(f.pc, a) : (a ^ (1u << (f.bits - 1))), r);
    } else if (!strcmp(op, "fma")) {
        num_set_result(&f, f.is_posit ? posit_fma(f.pc, a, b, c) : mf_fma(f.mf, f.sat, a, b, c), r);
    } else {
        num_set_result(&f, num_binary(&f, op, a, b), r);
    }
    return 0;
}

