/* lpcs bench MODEL: tokens/s of greedy token-by-token decoding (--threads T, default one),
 * with per-op time, backend and bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "eval.h"
#include "session.h"
#include "kernels/fp_cpu.h"

static void help(FILE *out) {
    fprintf(out,
            "usage: lpcs bench MODEL [-n TOKENS] [--repeat R] [--warmup W] [options]\n"
            "Decodes greedily from BOS, one token at a time (--threads T: rows over T threads): R sequences of\n"
            "TOKENS tokens (default 256 = llama2.c run.c's default; capped at seq_len), after\n"
            "W warm-up sequences (default 1). Prints tokens/s and the per-op table.\n"
            "--prefill P also times a P-token prompt processed as one prefill (R times).\n");
    rt_common_help(out);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int decode(rt_session *s, int n, rt_err *e) {
    rt_engine_reset(&s->eng);
    int token = s->model.cfg.bos;
    for (int i = 0; i < n; i++) {
        const float *lg = rt_engine_step(&s->eng, token, e);
        if (!lg) return 1;
        token = rt_sample(lg, s->model.cfg.vocab, 0, 0, NULL, NULL, NULL);
    }
    return 0;
}

/* Prompt processing: repeat times a prompt of n tokens from <s> as one
 * rt_engine_prefill (batched when the engine can). */
static int bench_prefill(rt_session *s, int n, int repeat, rt_err *e) {
    if (s->eng.max_pos && n > s->eng.max_pos) n = s->eng.max_pos;
    int *in = malloc(sizeof(int) * (size_t)n);
    if (!in) return 1;
    for (int i = 0; i < n; i++) in[i] = i == 0 ? s->model.cfg.bos : (i * 37) % s->model.cfg.vocab;
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    double t0 = now_s();
    for (int r = 0; r < repeat; r++) {
        rt_engine_reset(&s->eng);
        if (!rt_engine_prefill(&s->eng, in, n, NULL, e)) {
            free(in);
            return 1;
        }
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec), secs = now_s() - t0;
    printf("prefill: %d tokens x %d (%s)\nprefill tokens per CPU-second: %.2f\nprefill tokens/s: %.2f\n", n, repeat,
           rt_engine_batchable(&s->eng) ? "batched" : "token by token", (double)n * repeat / cpu,
           (double)n * repeat / secs);
    free(in);
    return 0;
}

int cmd_bench(int argc, char **argv) {
    rt_common_opts o;
    rt_common_init(&o);
    cli_backend_cfg bcfg;
    if (cli_register_backends(&o.sched, &bcfg, "bench")) return 1;
    long n = 256, repeat = 5, warmup = 1, prefill = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int c = rt_common_arg(&o, argc, argv, &i, "bench");
        if (c < 0) return 2;
        if (c) continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help(stdout);
            return 0;
        }
        long *dst = !strcmp(a, "-n")         ? &n
                    : !strcmp(a, "--repeat")  ? &repeat
                    : !strcmp(a, "--warmup")  ? &warmup
                    : !strcmp(a, "--prefill") ? &prefill
                                              : NULL;
        if (dst) {
            char *end;
            if (i + 1 >= argc || (*dst = strtol(argv[i + 1], &end, 10), *end) || *dst < 0 || *dst > 1000000) {
                fprintf(stderr, "lpcs bench: %s wants a number 0..1000000\n", a);
                return 2;
            }
            i++;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "lpcs bench: unknown option %s (try --help)\n", a);
            return 2;
        } else if (!o.model_path) {
            o.model_path = a;
        } else {
            fprintf(stderr, "lpcs bench: unexpected argument %s\n", a);
            return 2;
        }
    }
    if (n < 1 || repeat < 1) {
        fprintf(stderr, "lpcs bench: -n and --repeat must be at least 1\n");
        return 2;
    }
    int dprc = cli_design_point(&o, &bcfg, "bench");
    if (dprc >= 0) return dprc;
    rt_session s;
    int rc = rt_session_open(&s, &o, "bench");
    if (rc) return rc;
    if (s.eng.max_pos && n > s.eng.max_pos) n = s.eng.max_pos;
    rt_err e = {0, ""};
    for (long w = 0; w < warmup; w++)
        if (decode(&s, (int)n, &e)) goto fail;
    rt_engine_clear_stats(&s.eng);
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    double t0 = now_s();
    for (long r = 0; r < repeat; r++)
        if (decode(&s, (int)n, &e)) goto fail;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
    double secs = now_s() - t0, toks = (double)n * (double)repeat, wbytes = 0, bytes = 0;
    for (int i = 0; i < s.eng.n_ops; i++) {
        const rt_op *op = &s.eng.ops[i];
        bytes += op->st.bytes;
        if (op->type == OP_MATMUL || op->type == OP_BITLINEAR) wbytes += (double)op->rows * (double)op->cols * op->w_bits / 8;
    }
    rt_print_ops(&s.eng, stdout, 1);
    printf("model: %s (%s, %zu params)\nplan: %s\nthreads: %d\ncpu kernels: %s\ntokens: %.0f in %.3f s\n", s.model.path,
           s.model.format, s.model.n_params, s.plan.text, o.threads, kn_isa_name((kn_isa)s.eng.isa), toks, secs);
    printf("weight bytes/token: %.0f\nbytes moved/token: %.0f\n", wbytes, bytes / toks);
    printf("tokens per CPU-second: %.2f (steadier than wall time on a shared machine)\n", toks / cpu);
    printf("tokens/s: %.2f\n", toks / secs);
    if (prefill > 0 && bench_prefill(&s, (int)prefill, (int)repeat, &e)) goto fail;
    json_t *sim = cli_summary(stdout, &s.eng, &bcfg.point, secs, "bench");
    if (o.report_path) {
        json_t *r = rt_report_new(&s, &o, "bench");
        cli_report_stamp(r, &o, &bcfg);
        if (sim) json_object_set(r, "simulated", sim);
        json_object_set_new(r, "tokens_per_s", json_real(toks / secs));
        json_object_set_new(r, "seconds", json_real(secs));
        json_object_set_new(r, "tokens_per_cpu_s", json_real(toks / cpu));
        json_object_set_new(r, "seq_tokens", json_integer(n));
        json_object_set_new(r, "repeat", json_integer(repeat));
        if (rt_report_write(r, o.report_path, "bench")) rc = 1;
        json_decref(r);
    }
    json_decref(sim);
    rt_session_close(&s);
    return rc;
fail:
    fprintf(stderr, "lpcs bench: %s\n", e.msg);
    rt_session_close(&s);
    return 1;
}
