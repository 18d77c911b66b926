/* lpcs run MODEL --prompt TEXT -n N: generate text (greedy by default). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "eval.h"
#include "session.h"

static void help(FILE *out) {
    fprintf(out,
            "usage: lpcs run MODEL [--prompt TEXT] [-n N] [--temp T] [--seed S] [--topp P] [options]\n"
            "Generates N tokens after BOS + the prompt and prints prompt and continuation to stdout.\n"
            "MODEL is a llama2.c .bin or a .safetensors file (config.json beside it).\n"
            "  --prompt TEXT      prompt (default empty)\n"
            "  -n N               tokens to generate (default 256; llama stops at its seq_len)\n"
            "  --temp T           0 = greedy (default); otherwise sample softmax(logits/T)\n"
            "  --topp P           nucleus sampling threshold (default 0.9; 1 = off)\n"
            "  --seed S           sampling seed (default 42)\n");
    rt_common_help(out);
}

static int parse_num(const char *s, double lo, double hi, double *out) {
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || !(v >= lo && v <= hi)) return -1;
    *out = v;
    return 0;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* --quiet: the summary goes nowhere */
static FILE *devnull(void) {
    static FILE *f;
    if (!f) f = fopen("/dev/null", "w");
    return f ? f : stderr;
}

int cmd_run(int argc, char **argv) {
    rt_common_opts o;
    rt_common_init(&o);
    cli_backend_cfg bcfg;
    if (cli_register_backends(&o.sched, &bcfg, "run")) return 1;
    const char *prompt = "";
    double n = 256, temp = 0, topp = 0.9, seed = 42;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int c = rt_common_arg(&o, argc, argv, &i, "run");
        if (c < 0) return 2;
        if (c) continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help(stdout);
            return 0;
        }
        double *dst = !strcmp(a, "-n") ? &n : !strcmp(a, "--temp") ? &temp : !strcmp(a, "--topp") ? &topp
                      : !strcmp(a, "--seed") ? &seed : NULL;
        if (!strcmp(a, "--prompt") || dst) {
            if (i + 1 >= argc) {
                fprintf(stderr, "lpcs run: %s needs a value\n", a);
                return 2;
            }
            if (!dst) {
                prompt = argv[++i];
                continue;
            }
            double hi = dst == &n ? 1e7 : dst == &seed ? 1.8e19 : dst == &topp ? 1 : 100;
            if (parse_num(argv[++i], 0, hi, dst)) {
                fprintf(stderr, "lpcs run: bad value for %s: %s\n", a, argv[i]);
                return 2;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "lpcs run: unknown option %s (try --help)\n", a);
            return 2;
        } else if (!o.model_path) {
            o.model_path = a;
        } else {
            fprintf(stderr, "lpcs run: unexpected argument %s\n", a);
            return 2;
        }
    }
    int dprc = cli_design_point(&o, &bcfg, "run");
    if (dprc >= 0) return dprc;
    rt_session s;
    int rc = rt_session_open(&s, &o, "run");
    if (rc) return rc;
    rt_err e = {0, ""};
    const rt_config *cfg = &s.model.cfg;
    size_t plen = strlen(prompt);
    int *toks = malloc((plen + 1) * sizeof *toks);
    float *p = malloc((size_t)cfg->vocab * sizeof *p);
    int *idx = malloc((size_t)cfg->vocab * sizeof *idx);
    if (!toks || !p || !idx) {
        fprintf(stderr, "lpcs run: out of memory\n");
        rc = 1;
        goto out;
    }
    int nt = rt_tokenizer_encode(&s.tok, (const unsigned char *)prompt, plen, toks, &e);
    if (nt < 0) {
        fprintf(stderr, "lpcs run: prompt: %s\n", e.msg);
        rc = 1;
        goto out;
    }
    rt_rng rng;
    rt_rng_seed(&rng, (uint64_t)seed);
    fwrite(prompt, 1, plen, stdout);
    int token = cfg->bos, generated = 0, start = 0;
    double t0 = now_s();
    if (nt >= 1 && (!s.eng.max_pos || nt < s.eng.max_pos)) {
        /* the prompt as one prefill (<s> and all but its last token: batched
         * matmuls, the same bits as stepping); its last token starts the loop */
        int *in = malloc(sizeof(int) * (size_t)nt);
        if (!in) {
            fprintf(stderr, "lpcs run: out of memory\n");
            rc = 1;
            goto out;
        }
        in[0] = cfg->bos;
        for (int i = 0; i + 1 < nt; i++) in[i + 1] = toks[i];
        const float *lg = rt_engine_prefill(&s.eng, in, nt, NULL, &e);
        free(in);
        if (!lg) {
            fprintf(stderr, "\nlpcs run: %s\n", e.msg);
            rc = 1;
            goto out;
        }
        token = toks[nt - 1];
        start = nt;
    }
    for (int pos = start; generated < (int)n; pos++) {
        if (s.eng.max_pos && pos >= s.eng.max_pos) {
            if (!o.quiet) fprintf(stderr, "\nlpcs run: stopped at the model's context length %d\n", s.eng.max_pos);
            break;
        }
        const float *lg = rt_engine_step(&s.eng, token, &e);
        if (!lg) {
            fprintf(stderr, "\nlpcs run: %s\n", e.msg);
            rc = 1;
            goto out;
        }
        if (pos < nt) { /* still feeding the prompt */
            token = toks[pos];
            continue;
        }
        token = rt_sample(lg, cfg->vocab, (float)temp, (float)topp, &rng, p, idx);
        generated++;
        if (token == cfg->bos || token == cfg->eos) continue; /* special tokens print nothing */
        unsigned char buf[64];
        int k = rt_tokenizer_decode(&s.tok, token, buf, sizeof buf);
        fwrite(buf, 1, (size_t)k, stdout);
        fflush(stdout);
    }
    fputc('\n', stdout);
    cli_check_summary(&s.eng, "run");
    json_t *sim = cli_summary(o.quiet ? devnull() : stderr, &s.eng, &bcfg.point, now_s() - t0, "run");
    if (o.report_path) {
        json_t *r = rt_report_new(&s, &o, "run");
        if (sim) json_object_set(r, "simulated", sim);
        cli_report_stamp(r, &o, &bcfg);
        json_object_set_new(r, "prompt", json_string(prompt));
        json_object_set_new(r, "generated", json_integer(generated));
        rc = rt_report_write(r, o.report_path, "run");
        json_decref(r);
    }
    json_decref(sim);
out:
    free(toks), free(p), free(idx);
    rt_session_close(&s);
    return rc;
}
