/* lpcs ppl MODEL TEXTFILE: mean NLL (nats/byte) and perplexity with the
 * protocol of shared/models/README.md. Last stdout line: nll=<v> bytes=<n>. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "eval.h"
#include "rt_file.h"
#include "session.h"

#define VAL_SPLIT_OFFSET 1003854 /* tinyshakespeare: first 90% train, the rest validation */

static void help(FILE *out) {
    fprintf(out,
            "usage: lpcs ppl MODEL TEXTFILE [--split val|train|all] [--offset B] [--max-bytes N]\n"
            "                [--threads T] [options]\n"
            "Mean negative log-likelihood in nats per byte over non-overlapping %d-byte windows\n"
            "(input BOS + the first %d bytes, targets all bytes; the last window is shorter).\n"
            "  --split val        evaluate from byte %d (tinyshakespeare's validation split;\n"
            "                     train = the bytes before it; all = whole file, the default)\n"
            "  --offset B         start at byte B (after --split)\n"
            "  --max-bytes N      evaluate at most N bytes\n"
            "  --threads T        evaluate windows on T threads (same result; default 1)\n"
            "The last line of stdout is exactly: nll=<value> bytes=<count>\n",
            RT_PPL_WINDOW, RT_PPL_WINDOW - 1, VAL_SPLIT_OFFSET);
    rt_common_help(out);
}

int cmd_ppl(int argc, char **argv) {
    rt_common_opts o;
    rt_common_init(&o);
    cli_backend_cfg bcfg;
    if (cli_register_backends(&o.sched, &bcfg, "ppl")) return 1;
    const char *text_path = NULL, *split = "all";
    unsigned long long offset = 0, max_bytes = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int c = rt_common_arg(&o, argc, argv, &i, "ppl");
        if (c < 0) return 2;
        if (c) continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help(stdout);
            return 0;
        }
        if (!strcmp(a, "--split") || !strcmp(a, "--offset") || !strcmp(a, "--max-bytes")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "lpcs ppl: %s needs a value\n", a);
                return 2;
            }
            const char *v = argv[++i];
            if (!strcmp(a, "--split")) {
                if (strcmp(v, "val") && strcmp(v, "train") && strcmp(v, "all")) {
                    fprintf(stderr, "lpcs ppl: --split wants val, train or all\n");
                    return 2;
                }
                split = v;
                continue;
            }
            char *end;
            unsigned long long x = strtoull(v, &end, 10);
            if (!*v || *end || v[0] == '-') {
                fprintf(stderr, "lpcs ppl: bad value for %s: %s\n", a, v);
                return 2;
            }
            *(!strcmp(a, "--offset") ? &offset : &max_bytes) = x;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "lpcs ppl: unknown option %s (try --help)\n", a);
            return 2;
        } else if (!o.model_path) {
            o.model_path = a;
        } else if (!text_path) {
            text_path = a;
        } else {
            fprintf(stderr, "lpcs ppl: unexpected argument %s\n", a);
            return 2;
        }
    }
    int dprc = cli_design_point(&o, &bcfg, "ppl");
    if (dprc >= 0) return dprc;
    if (!text_path && o.model_path) {
        fprintf(stderr, "lpcs ppl: no TEXTFILE given (try --help)\n");
        return 2;
    }
    rt_session s;
    int rc = rt_session_open(&s, &o, "ppl");
    if (rc) return rc;
    rt_file f;
    rt_err e = {0, ""};
    if (rt_file_map(&f, text_path, &e)) {
        fprintf(stderr, "lpcs ppl: %s\n", e.msg);
        rt_session_close(&s);
        return 1;
    }
    size_t begin = 0, end = f.size;
    if (!strcmp(split, "val")) begin = VAL_SPLIT_OFFSET;
    if (!strcmp(split, "train")) end = VAL_SPLIT_OFFSET < f.size ? VAL_SPLIT_OFFSET : f.size;
    if (offset > f.size || begin > f.size - offset) begin = f.size;
    else begin += offset;
    if (max_bytes && end - (begin < end ? begin : end) > max_bytes) end = begin + max_bytes;
    if (begin >= end) {
        fprintf(stderr, "lpcs ppl: %s: nothing to evaluate (file %zu bytes, start %zu)\n", text_path, f.size, begin);
        rt_file_unmap(&f);
        rt_session_close(&s);
        return 1;
    }
    if (!o.quiet)
        fprintf(stderr, "lpcs ppl: %s on %s bytes [%zu, %zu), plan %s, %d thread(s)\n", s.model.path, text_path,
                begin, end, s.plan.text, o.threads);
    rt_ppl_result res;
    rc = rt_eval_ppl(&s.model, &s.plan, &o.sched, &s.tok, f.data + begin, end - begin, o.threads,
                     o.quiet ? NULL : rt_progress_stderr, NULL, &res, &s.eng, &e);
    rt_file_unmap(&f);
    if (!o.quiet) fprintf(stderr, "\n");
    if (rc) {
        fprintf(stderr, "lpcs ppl: %s\n", e.msg);
        rt_session_close(&s);
        return 1;
    }
    double nll = res.nll_sum / (double)res.bytes;
    printf("model: %s\nplan: %s\nwindows: %zu\nseconds: %.2f\nbytes/s: %.1f\nperplexity: %.6f\n", s.model.path,
           s.plan.text, res.windows, res.seconds, (double)res.bytes / res.seconds, exp(nll));
    json_t *sim = cli_summary(stdout, &s.eng, &bcfg.point, res.seconds, "ppl");
    if (o.report_path) {
        json_t *r = rt_report_new(&s, &o, "ppl");
        cli_report_stamp(r, &o, &bcfg);
        if (sim) json_object_set(r, "simulated", sim);
        json_object_set_new(r, "text", json_string(text_path));
        json_object_set_new(r, "offset", json_integer((json_int_t)begin));
        json_object_set_new(r, "bytes", json_integer((json_int_t)res.bytes));
        json_object_set_new(r, "nll", json_real(nll));
        json_object_set_new(r, "perplexity", json_real(exp(nll)));
        json_object_set_new(r, "seconds", json_real(res.seconds));
        json_object_set_new(r, "threads", json_integer(o.threads));
        if (rt_report_write(r, o.report_path, "ppl")) rc = 1;
        json_decref(r);
    }
    json_decref(sim);
    printf("nll=%.10f bytes=%zu\n", nll, res.bytes);
    rt_session_close(&s);
    return rc;
}
