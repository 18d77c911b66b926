/* lpcs bench MODEL: tokens/s of greedy token-by-token decoding (--threads T, default one),
 * with per-op time, backend and bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "eval.h"
#include "cuda_resident.h"
#include "session.h"
#include "kernels/fp_cpu.h"

static void help(FILE *out) {
    fprintf(out,
            "usage: lpcs bench MODEL [-n TOKENS] [--repeat R] [--warmup W] [--batch N] [options]\n"
            "Decodes greedily from BOS, one token at a time (--threads T: rows over T threads): R sequences of\n"
            "TOKENS tokens (default 256 = llama2.c run.c's default; capped at seq_len), after\n"
            "W warm-up sequences (default 1). Prints tokens/s and the per-op table.\n"
            "With the whole model on the GPU (--backend cuda): --batch N decodes N independent\n"
            "sequences at once (one device forward of N rows per step; N1,N2,... for several).\n"
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

/* Decode on the GPU-resident engine: batch independent sequences from BOS,
 * greedy, one token of each per step (a device forward of batch rows). */
static int bench_gpu(rt_session *s, int n, int repeat, const int *batches, int nb, int max_batch, rt_err *e) {
    rt_cuda_stepper *g = NULL;
    int rc = rt_cuda_stepper_open(&s->eng, max_batch, n, &g, e);
    if (rc) return rc;
    const int V = s->model.cfg.vocab;
    int *tok = malloc((size_t)max_batch * sizeof *tok);
    if (!tok) rc = rt_fail(e, LPCS_ENOMEM, "out of memory");
    for (int bi = 0; !rc && bi < nb; bi++) {
    const int batch = batches[bi];
    double secs = 0, dev_ms = 0;
    for (int r = 0; !rc && r <= repeat; r++) { /* round 0 warms up */
        for (int b = 0; b < batch; b++) tok[b] = s->model.cfg.bos;
        double t0 = now_s(), d = 0;
        for (int i = 0; i < n && !rc; i++) {
            const float *lg = rt_cuda_stepper_run(g, tok, batch, 1, i, e);
            if (!lg) {
                rc = e->status ? e->status : LPCS_EINVAL;
                break;
            }
            d += rt_cuda_stepper_last_ms(g);
            for (int b = 0; b < batch; b++) tok[b] = rt_sample(lg + (size_t)b * V, V, 0, 0, NULL, NULL, NULL);
        }
        if (r) secs += now_s() - t0, dev_ms += d;
    }
    if (!rc) {
        double steps = (double)n * repeat, toks = steps * batch, wbytes = 0;
        for (int i = 0; i < s->eng.n_ops; i++) {
            const rt_op *op = &s->eng.ops[i];
            if (op->type == OP_MATMUL || op->type == OP_BITLINEAR)
                wbytes += (double)op->rows * (double)op->cols * op->w_bits / 8;
        }
        printf("model: %s (%s, %zu params)\nplan: %s\nengine: cuda-resident\nbatch: %d\n", s->model.path,
               s->model.format, s->model.n_params, s->plan.text, batch);
        printf("tokens: %.0f in %.3f s (%d steps of %d sequences)\n", toks, secs, (int)steps, batch);
        printf("weight bytes/step: %.0f\ndevice ms/step: %.4f\nwall ms/step: %.4f\n", wbytes, dev_ms / steps,
               secs * 1e3 / steps);
        printf("tokens/s: %.2f\n", toks / secs);
    }
    }
    free(tok);
    rt_cuda_stepper_close(g);
    return rc;
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
    long n = 256, repeat = 5, warmup = 1, prefill = 0, batch = 1;
    int batches[16] = {1}, nb = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int c = rt_common_arg(&o, argc, argv, &i, "bench");
        if (c < 0) return 2;
        if (c) continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help(stdout);
            return 0;
        }
        if (!strcmp(a, "--batch") && i + 1 < argc) { /* N or a list N1,N2,... */
            nb = 0;
            for (char *q = argv[++i], *end; *q && nb < 16; q = *end ? end + 1 : end) {
                long v = strtol(q, &end, 10);
                if (v < 1 || v > 4096 || (*end && *end != ',')) {
                    fprintf(stderr, "lpcs bench: --batch wants N or N1,N2,... (1..4096)\n");
                    return 2;
                }
                batches[nb++] = (int)v;
                if (v > batch) batch = v;
            }
            continue;
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
    if (rt_cuda_resident_usable(&s.eng, &o.sched, NULL, 0)) {
        rc = bench_gpu(&s, (int)n, (int)repeat, batches, nb, (int)batch, &e);
        if (rc) fprintf(stderr, "lpcs bench: %s\n", e.msg);
        rt_session_close(&s);
        return rc ? 1 : 0;
    }
    if (batch > 1) {
        fprintf(stderr, "lpcs bench: --batch > 1 needs the whole model on the GPU (--backend cuda)\n");
        rt_session_close(&s);
        return 2;
    }
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
