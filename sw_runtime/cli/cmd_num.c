/* lpcs num — poke at number formats through the golden library.
 *
 *   lpcs num FORMAT OP ARGS...   prints "0x<bits> <value>"
 *   lpcs num --stdin             reads "FORMAT OP ARGS..." lines, writes the hex result
 *                                (or "error: ...") per line
 *   lpcs num FORMAT table        every code of the format with its value
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "minifloat.h"
#include "posit.h"
#include "quire.h"

#define NUM_MAX_ARGS 3
#define NUM_MAX_FDP 4096

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

static const struct {
    const char *name;
    mf_format fmt;
    mf_sat sat;
} minifloat_names[] = {
    {"fp4e2m1", MF_FP4_E2M1, MF_SATFINITE},  {"fp6e2m3", MF_FP6_E2M3, MF_SATFINITE},
    {"fp6e3m2", MF_FP6_E3M2, MF_SATFINITE},  {"fp8e4m3", MF_FP8_E4M3, MF_NONSAT},
    {"fp8e4m3sat", MF_FP8_E4M3, MF_SATFINITE}, {"fp8e5m2", MF_FP8_E5M2, MF_NONSAT},
    {"fp8e5m2sat", MF_FP8_E5M2, MF_SATFINITE}, {"bf16", MF_BF16, MF_NONSAT},
    {"fp16", MF_FP16, MF_NONSAT},
};

static void usage(FILE *out) {
    fprintf(out,
            "usage: lpcs num FORMAT OP ARGS...\n"
            "       lpcs num --stdin          (lines 'FORMAT OP ARGS...' -> one hex result per line)\n"
            "\n"
            "FORMAT: pNeE (posit, 2<=N<=32, 0<=E<=3: p4e1 p8e0 p16e1 p32e2 p12e3 ...),\n"
            "        fp4e2m1 fp6e2m3 fp6e3m2 fp8e4m3 fp8e4m3sat fp8e5m2 fp8e5m2sat bf16 fp16\n"
            "        (fp4/fp6 always saturate; fp8...sat saturate to max finite on overflow)\n"
            "OP:     add sub mul div A B | sqrt A | fma A B C (A*B+C, rounded once) | neg A\n"
            "        from-f32 X (fp32 bits) | from-f64 X (fp64 bits) | to-f32 A | to-f64 A\n"
            "        fdp A1:B1,A2:B2,... (posit only: quire fused dot product, rounded once)\n"
            "        table (every code of a format of at most 16 bits, with its value)\n"
            "Operands and results are bit patterns in hex (0x prefix optional).\n"
            "Output: the result pattern as 0x-prefixed lowercase hex of the format's width,\n"
            "then its decoded value (NaR / nan / inf where applicable).\n");
}

static int parse_format(const char *s, num_format *f, char *err, size_t errlen) {
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < sizeof minifloat_names / sizeof minifloat_names[0]; i++) {
        if (!strcmp(s, minifloat_names[i].name)) {
            f->mf = minifloat_names[i].fmt;
            f->sat = minifloat_names[i].sat;
            f->bits = mf_get_info(f->mf)->bits;
            return 0;
        }
    }
    if (s[0] == 'p') {
        char *end;
        errno = 0;
        long n = strtol(s + 1, &end, 10);
        if (end != s + 1 && *end == 'e' && end[1] >= '0' && end[1] <= '9' && end[2] == '\0' && !errno) {
            long es = end[1] - '0';
            posit_cfg c = {(int)n, (int)es};
            if (n < 2 || n > 32 || es > 3 || posit_cfg_check(c) != 0) {
                snprintf(err, errlen, "posit format '%s' out of range (need 2 <= N <= 32, 0 <= E <= 3)", s);
                return -1;
            }
            f->is_posit = 1;
            f->pc = c;
            f->bits = (int)n;
            return 0;
        }
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

static void set_format_result(const num_format *f, uint32_t bits, num_result *r) {
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
    set_format_result(f, posit_fdp(f->pc, a, b, n), r);
done:
    free(a);
    free(b);
    free(copy);
    return rc;
}

/* Evaluates one "FORMAT OP ARGS..." request. */
static int evaluate(int argc, char **argv, num_result *r, char *err, size_t errlen) {
    num_format f;
    if (argc < 2) {
        snprintf(err, errlen, "expected FORMAT OP ARGS...");
        return -1;
    }
    if (parse_format(argv[0], &f, err, errlen)) return -1;
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
        set_format_result(&f, f.is_posit ? posit_from_float(f.pc, x) : mf_from_f32(f.mf, x, f.sat), r);
    } else if (!strcmp(op, "from-f64")) {
        double x;
        memcpy(&x, &v[0], sizeof x);
        set_format_result(&f, f.is_posit ? posit_from_double(f.pc, x) : mf_from_f64(f.mf, x, f.sat), r);
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
        set_format_result(&f, f.is_posit ? posit_sqrt(f.pc, a) : mf_sqrt(f.mf, f.sat, a), r);
    } else if (!strcmp(op, "neg")) {
        set_format_result(&f, f.is_posit ? posit_neg(f.pc, a) : (a ^ (1u << (f.bits - 1))), r);
    } else if (!strcmp(op, "fma")) {
        set_format_result(&f, f.is_posit ? posit_fma(f.pc, a, b, c) : mf_fma(f.mf, f.sat, a, b, c), r);
    } else {
        set_format_result(&f, num_binary(&f, op, a, b), r);
    }
    return 0;
}

static void print_hex(FILE *out, const num_result *r) {
    fprintf(out, "0x%0*" PRIx64, (r->width_bits + 3) / 4, r->bits);
}

static void print_value(FILE *out, const num_result *r) {
    if (r->is_nar) fputs("NaR", out);
    else if (isnan(r->value)) fputs("nan", out);
    else if (isinf(r->value)) fputs(r->value < 0 ? "-inf" : "inf", out);
    else fprintf(out, "%.17g", r->value);
}

static int print_table(const char *fmt_name) {
    num_format f;
    char err[256];
    if (parse_format(fmt_name, &f, err, sizeof err)) {
        fprintf(stderr, "lpcs num: %s\n", err);
        return 2;
    }
    if (f.bits > 16) {
        fprintf(stderr, "lpcs num: table: %s has 2^%d codes; tables are limited to 16-bit formats\n", fmt_name,
                f.bits);
        return 2;
    }
    for (uint32_t code = 0; code < (1u << f.bits); code++) {
        num_result r;
        set_format_result(&f, code, &r);
        print_hex(stdout, &r);
        putchar(' ');
        print_value(stdout, &r);
        putchar('\n');
    }
    return 0;
}

#define STDIN_MAX_TOKENS 8

static int run_stdin(void) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        char *tok[STDIN_MAX_TOKENS];
        int n = 0;
        char *save = NULL;
        for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
            if (n == STDIN_MAX_TOKENS) {
                n = STDIN_MAX_TOKENS + 1;
                break;
            }
            tok[n++] = t;
        }
        if (n == 0) {
            fputs("error: empty line\n", stdout);
            continue;
        }
        num_result r;
        char err[256];
        if (n > STDIN_MAX_TOKENS) {
            fputs("error: too many fields\n", stdout);
        } else if (evaluate(n, tok, &r, err, sizeof err)) {
            fprintf(stdout, "error: %s\n", err);
        } else {
            print_hex(stdout, &r);
            putchar('\n');
        }
    }
    free(line);
    if (ferror(stdin)) {
        fprintf(stderr, "lpcs num: error reading standard input\n");
        return 1;
    }
    return fflush(stdout) ? 1 : 0;
}

int cmd_num(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--stdin")) {
        if (argc != 2) {
            fprintf(stderr, "lpcs num: --stdin takes no other arguments\n");
            return 2;
        }
        return run_stdin();
    }
    if (argc == 3 && !strcmp(argv[2], "table")) return print_table(argv[1]);
    num_result r;
    char err[256];
    if (evaluate(argc - 1, argv + 1, &r, err, sizeof err)) {
        fprintf(stderr, "lpcs num: %s\n", err);
        return 2;
    }
    print_hex(stdout, &r);
    putchar(' ');
    print_value(stdout, &r);
    putchar('\n');
    return 0;
}
