/* lpcs num — poke at number formats through the golden library.
 *
 *   lpcs num FORMAT OP ARGS...   prints "0x<bits> <value>"
 *   lpcs num --stdin             reads "FORMAT OP ARGS..." lines, writes the hex result
 *                                (or "error: ...") per line
 *   lpcs num FORMAT table        every code of the format with its value
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/num_eval.h"

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
    if (num_parse_format(fmt_name, &f, err, sizeof err)) {
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
        num_set_result(&f, code, &r);
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
        } else if (num_evaluate(n, tok, &r, err, sizeof err)) {
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
    if (num_evaluate(argc - 1, argv + 1, &r, err, sizeof err)) {
        fprintf(stderr, "lpcs num: %s\n", err);
        return 2;
    }
    print_hex(stdout, &r);
    putchar(' ');
    print_value(stdout, &r);
    putchar('\n');
    return 0;
}
