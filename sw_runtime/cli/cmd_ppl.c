/* lpcs ppl MODEL TEXTFILE: mean NLL (nats/byte) and perplexity with the
 * protocol of shared/models/README.md. Last stdout line: nll=<v> bytes=<n>. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "eval.h"
#include "ppl_shard.h"
#include "rt_file.h"
#include "session.h"

#define VAL_SPLIT_OFFSET 1003854 /* tinyshakespeare: first 90% train, the rest validation */

static void help(FILE *out) {
    fprintf(out,
            "usage: lpcs ppl MODEL TEXTFILE [--split val|train|all] [--offset B] [--max-bytes N]\n"
            "                [--threads T] [--windows FIRST:COUNT] [--shard-out FILE] [options]\n"
            "       lpcs ppl --combine SHARD.json...\n"
            "Mean negative log-likelihood in nats per byte over non-overlapping %d-byte windows\n"
            "(input BOS + the first %d bytes, targets all bytes; the last window is shorter).\n"
            "  --split val        evaluate from byte %d (tinyshakespeare's validation split;\n"
            "                     train = the bytes before it; all = whole file, the default)\n"
            "  --offset B         start at byte B (after --split)\n"
            "  --max-bytes N      evaluate at most N bytes\n"
            "  --threads T        evaluate windows on T threads (same result; default 1)\n"
            "  --windows F:C      score only windows F .. F+C-1 (C 0: to the end), numbered from\n"
            "                     0 over the evaluated bytes (a shard of a longer evaluation)\n"
            "  --shard-out FILE   write the scored windows' NLL sums (hex doubles) to FILE (JSON)\n"
            "  --combine FILE...  put shards together (same model, plan, exec, text and byte range;\n"
            "                     every window exactly once) and print the unsharded run's nll line\n"
            "The last line of stdout is exactly: nll=<value> bytes=<count>\n",
            RT_PPL_WINDOW, RT_PPL_WINDOW - 1, VAL_SPLIT_OFFSET);
    rt_common_help(out);
}

/* lpcs ppl --combine SHARD...: the summary of an unsharded run from its shards. */
static int combine(int n, char **paths) {
    rt_ppl_shard *sh = calloc((size_t)(n > 0 ? n : 1), sizeof *sh);
    rt_err e = {0, ""};
    int rc = sh ? 0 : rt_fail(&e, LPCS_ENOMEM, "out of memory"), got = 0;
    for (; got < n && !rc; got++) {
        rt_file f;
        if ((rc = rt_file_map(&f, paths[got], &e))) break;
        rc = rt_ppl_shard_parse((const char *)f.data, f.size, paths[got], &sh[got], &e);
        rt_file_unmap(&f);
        if (rc) break;
    }
    rt_ppl_result res;
    if (!rc) rc = rt_ppl_shard_combine(sh, n, &res, &e);
    if (!rc) {
        double nll = res.nll_sum / (double)res.bytes;
        printf("model: %s\nplan: %s\nexec: %s\nshards: %d\nwindows: %zu\nperplexity: %.6f\n", sh[0].key.model,
               sh[0].key.plan, sh[0].key.exec, n, res.windows, exp(nll));
        printf("nll=%.10f bytes=%zu\n", nll, res.bytes);
    } else {
        fprintf(stderr, "lpcs ppl: %s\n", e.msg);
    }
    for (int i = 0; i < got; i++) rt_ppl_shard_free(&sh[i]);
    free(sh);
    return rc ? 1 : 0;
}

int cmd_ppl(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "--combine")) {
        if (argc < 3) {
            fprintf(stderr, "lpcs ppl: --combine needs one or more shard files\n");
            return 2;
        }
        return combine(argc - 2, argv + 2);
    }
    rt_common_opts o;
    rt_common_init(&o);
    cli_backend_cfg bcfg;
    if (cli_register_backends(&o.sched, &bcfg, "ppl")) return 1;
    const char *text_path = NULL, *split = "all";
    unsigned long long offset = 0, max_bytes = 0, win_first = 0, win_count = 0;
    const char *shard_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int c = rt_common_arg(&o, argc, argv, &i, "ppl");
        if (c < 0) return 2;
        if (c) continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help(stdout);
            return 0;
        }
        if (!strcmp(a, "--combine")) {
            fprintf(stderr, "lpcs ppl: --combine comes first and takes only shard files\n");
            return 2;
        }
        if (!strcmp(a, "--windows") || !strcmp(a, "--shard-out")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "lpcs ppl: %s needs a value\n", a);
                return 2;
            }
            const char *v = argv[++i];
            char tail;
            if (!strcmp(a, "--shard-out")) {
                shard_path = v;
            } else if (v[0] == '-' || sscanf(v, "%llu:%llu%c", &win_first, &win_count, &tail) != 2 ||
                       strchr(v, '-')) {
                fprintf(stderr, "lpcs ppl: --windows wants FIRST:COUNT (window numbers), got '%s'\n", v);
                return 2;
            }
            continue;
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
    rt_ppl_windows win;
    rc = rt_eval_ppl_windows(&s.model, &s.plan, &o.sched, &s.tok, f.data + begin, end - begin, o.threads,
                             o.quiet ? NULL : rt_progress_stderr, NULL, (size_t)win_first, (size_t)win_count, &win,
                             &res, &s.eng, &e);
    if (!rc && shard_path) {
        rt_ppl_shard sh = {.w = win};
        snprintf(sh.key.exec, sizeof sh.key.exec, "%s", o.sched.exec_fake ? "fake" : "exact");
        sh.key.begin = begin, sh.key.end = end, sh.key.windows_total = win.total;
        FILE *out = NULL;
        if (snprintf(sh.key.model, sizeof sh.key.model, "%s", s.model.path) >= (int)sizeof sh.key.model ||
            snprintf(sh.key.plan, sizeof sh.key.plan, "%s", s.plan.text) >= (int)sizeof sh.key.plan ||
            snprintf(sh.key.text, sizeof sh.key.text, "%s", text_path) >= (int)sizeof sh.key.text)
            rc = rt_fail(&e, LPCS_EINVAL, "--shard-out: model, plan or text path too long for a shard");
        else if (!(out = fopen(shard_path, "w"))) rc = rt_fail(&e, LPCS_EIO, "cannot write %s", shard_path);
        else if (rt_ppl_shard_write(out, &sh, &e) | fclose(out)) rc = rt_fail(&e, LPCS_EIO, "cannot write %s", shard_path);
    }
    rt_ppl_windows_free(&win);
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
    if (!o.quiet) fprintf(stderr, "engine: %s\n", res.engine ? res.engine : "?");
    if (!o.quiet && res.device_seconds > 0) fprintf(stderr, "device seconds (forward): %.4f\n", res.device_seconds);
    json_decref(sim);
    printf("nll=%.10f bytes=%zu\n", nll, res.bytes);
    rt_session_close(&s);
    return rc;
}
