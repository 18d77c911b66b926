#include "eval.h"

#include "cuda_resident.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double rt_nll(const float *logits, int vocab, int target) {
    double mx = logits[0];
    for (int i = 1; i < vocab; i++)
        if (logits[i] > mx) mx = logits[i];
    double s = 0;
    for (int i = 0; i < vocab; i++) s += exp((double)logits[i] - mx);
    return log(s) + mx - (double)logits[target];
}

typedef struct {
    const rt_model *m;
    const rt_plan *plan;
    const rt_sched_opts *so;
    const int *ids; /* the text's tokens */
    size_t len, first, n_windows; /* score windows first .. first + n_windows - 1 */
    double *win_nll;
    size_t *win_targets;
    int tid, threads;
    rt_engine *eng; /* thread 0 may use the caller's engine (for stats) */
    int status;
    rt_err err;
    rt_progress_fn progress;
    void *pctx;
} ppl_job;

static void *ppl_worker(void *arg) {
    ppl_job *j = arg;
    rt_engine local, *eng = j->eng;
    if (!eng) {
        if ((j->status = rt_engine_init(&local, j->m, j->plan, j->so, &j->err))) return NULL;
        eng = &local;
    }
    const int bos = j->m->cfg.bos, V = j->m->cfg.vocab;
    /* each window is one prefill (batched matmuls; the same bits as stepping) */
    float *lg = malloc(sizeof(float) * RT_PPL_WINDOW * (size_t)V);
    int *in = malloc(sizeof(int) * RT_PPL_WINDOW);
    if (!lg || !in) {
        j->status = rt_fail(&j->err, LPCS_ENOMEM, "ppl: out of memory for a window's logits");
        goto out;
    }
    for (size_t k = (size_t)j->tid; k < j->n_windows; k += (size_t)j->threads) {
        size_t start = (j->first + k) * RT_PPL_WINDOW, n = j->len - start < RT_PPL_WINDOW ? j->len - start : RT_PPL_WINDOW;
        rt_engine_reset(eng);
        for (size_t i = 0; i < n; i++) in[i] = i == 0 ? bos : j->ids[start + i - 1];
        if (!rt_engine_prefill(eng, in, (int)n, lg, &j->err)) {
            j->status = j->err.status ? j->err.status : LPCS_EINVAL;
            goto out;
        }
        double sum = 0;
        for (size_t i = 0; i < n; i++) sum += rt_nll(lg + i * (size_t)V, V, j->ids[start + i]);
        j->win_nll[k] = sum;
        j->win_targets[k] = n;
        if (j->progress && j->tid == 0) j->progress(j->pctx, k + 1, j->n_windows);
    }
out:
    free(lg), free(in);
    if (eng == &local) rt_engine_free(&local);
    return NULL;
}

void rt_ppl_summarize(const double *nll, const size_t *targets, size_t n, rt_ppl_result *res) {
    double m1 = 0, m2 = 0;
    res->nll_sum = 0, res->bytes = 0;
    for (size_t w = 0; w < n; w++) {
        double mean = nll[w] / (double)targets[w];
        res->nll_sum += nll[w];
        res->bytes += targets[w];
        m1 += mean, m2 += mean * mean;
    }
    m1 /= (double)(n ? n : 1);
    double var = (m2 / (double)(n ? n : 1) - m1 * m1) * (double)n / (double)(n > 1 ? n - 1 : 1); /* sample variance */
    res->nll_ci95 = n < 2 ? NAN : 1.96 * sqrt((var > 0 ? var : 0) / (double)n);
    res->windows = n;
}

void rt_ppl_windows_free(rt_ppl_windows *w) {
    free(w->nll), free(w->targets);
    w->nll = NULL, w->targets = NULL;
}

int rt_eval_ppl_windows(const rt_model *m, const rt_plan *plan, const rt_sched_opts *so, const rt_tokenizer *tok,
                        const uint8_t *text, size_t len, int threads, rt_progress_fn progress, void *pctx,
                        size_t first, size_t count, rt_ppl_windows *pw, rt_ppl_result *res,
                        rt_engine *stats_engine, rt_err *e) {
    memset(res, 0, sizeof *res);
    memset(pw, 0, sizeof *pw);
    if (len == 0) return rt_fail(e, LPCS_EINVAL, "ppl: empty text");
    /* llama2.c tokenizers score bytes (the protocol's byte-level models);
     * a GGUF tokenizer scores the tokens of the whole text. */
    int *ids = NULL;
    if (tok->gguf) {
        int n = rt_tokenizer_encode_alloc(tok, text, len, &ids, e);
        if (n < 0) return n;
        if (n == 0) {
            free(ids);
            return rt_fail(e, LPCS_EINVAL, "ppl: the text has no tokens");
        }
        len = (size_t)n;
    } else {
        ids = malloc(len * sizeof *ids);
        if (!ids) return rt_fail(e, LPCS_ENOMEM, "out of memory");
        for (size_t i = 0; i < len; i++)
            if ((ids[i] = tok->byte_token[text[i]]) < 0) {
                free(ids);
                return rt_fail(e, LPCS_EFORMAT, "ppl: byte 0x%02x at offset %zu has no token", text[i], i);
            }
    }
    size_t nw = (len + RT_PPL_WINDOW - 1) / RT_PPL_WINDOW;
    if (first >= nw) {
        free(ids);
        return rt_fail(e, LPCS_EINVAL, "ppl: window %zu does not exist (the text has %zu windows)", first, nw);
    }
    if (count == 0 || count > nw - first) count = nw - first;
    int sharded = first != 0 || count != nw;
    /* the whole model on the GPU when it can run there (all windows batched;
     * byte-level tokenizers only) */
    if (!tok->gguf && stats_engine && rt_cuda_resident_usable(stats_engine, so, NULL, 0)) {
        free(ids);
        if (sharded)
            return rt_fail(e, LPCS_EINVAL, "ppl: window ranges are not supported by the cuda-resident engine");
        int rc = rt_cuda_resident_ppl(stats_engine, tok, text, len, 0, res, e);
        res->nll_ci95 = NAN; /* the resident path reports no per-window spread */
        return rc;
    }
    if (threads < 1) threads = 1;
    if (threads > 64) threads = 64;
    double *win = calloc(count, sizeof *win);
    size_t *targets = calloc(count, sizeof *targets);
    ppl_job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *th = calloc((size_t)threads, sizeof *th);
    if (!win || !targets || !jobs || !th) {
        free(win), free(targets), free(jobs), free(th), free(ids);
        return rt_fail(e, LPCS_ENOMEM, "out of memory");
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int created = 1;
    for (int t = 0; t < threads; t++)
        jobs[t] = (ppl_job){m, plan, so, ids, len, first, count, win, targets, t, threads,
                            t == 0 ? stats_engine : NULL, 0, {0, ""}, progress, pctx};
    for (int t = 1; t < threads; t++, created++)
        if (pthread_create(&th[t], NULL, ppl_worker, &jobs[t])) {
            /* windows of the missing threads are never scored: report it */
            jobs[t].status = rt_fail(&jobs[t].err, LPCS_ENOMEM, "cannot start thread %d", t);
            break;
        }
    ppl_worker(&jobs[0]);
    for (int t = 1; t < created; t++) pthread_join(th[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int rc = LPCS_OK;
    for (int t = 0; t < threads && !rc; t++)
        if (jobs[t].status) {
            rc = jobs[t].status;
            if (e) *e = jobs[t].err;
        }
    if (!rc) {
        rt_ppl_summarize(win, targets, count, res);
        res->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        res->engine = "ops";
        *pw = (rt_ppl_windows){nw, first, count, win, targets};
    } else {
        free(win), free(targets);
    }
    free(jobs), free(th), free(ids);
    return rc;
}

int rt_eval_ppl(const rt_model *m, const rt_plan *plan, const rt_sched_opts *so, const rt_tokenizer *tok,
                const uint8_t *text, size_t len, int threads, rt_progress_fn progress, void *pctx,
                rt_ppl_result *res, rt_engine *stats_engine, rt_err *e) {
    rt_ppl_windows w;
    int rc = rt_eval_ppl_windows(m, plan, so, tok, text, len, threads, progress, pctx, 0, 0, &w, res, stats_engine, e);
    rt_ppl_windows_free(&w);
    return rc;
}

/* xorshift64*, as llama2.c's sampler (state must be non-zero). */
void rt_rng_seed(rt_rng *r, uint64_t seed) { r->state = seed ? seed : 0x9e3779b97f4a7c15ull; }

static float rng_f32(rt_rng *r) {
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return (float)((r->state * 0x2545F4914F6CDD1Dull) >> 32 >> 8) / 16777216.0f;
}

int rt_sample(const float *logits, int vocab, float temp, float topp, rt_rng *rng, float *p, int *idx) {
    if (temp <= 0.0f) {
        int best = 0;
        for (int i = 1; i < vocab; i++)
            if (logits[i] > logits[best]) best = i;
        return best;
    }
    float mx = logits[0];
    for (int i = 1; i < vocab; i++)
        if (logits[i] > mx) mx = logits[i];
    double sum = 0;
    for (int i = 0; i < vocab; i++) {
        p[i] = expf((logits[i] - mx) / temp);
        sum += p[i];
    }
    for (int i = 0; i < vocab; i++) p[i] = (float)(p[i] / sum);
    int n = vocab;
    for (int i = 0; i < vocab; i++) idx[i] = i;
    if (topp > 0.0f && topp < 1.0f) {
        /* insertion sort by probability, descending (vocabularies here are small;
         * ties keep token order, so results are reproducible) */
        for (int i = 1; i < vocab; i++) {
            int v = idx[i], j = i;
            while (j > 0 && p[idx[j - 1]] < p[v]) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = v;
        }
        double cum = 0;
        for (n = 0; n < vocab;) {
            cum += p[idx[n++]];
            if (cum > topp) break;
        }
    }
    double tot = 0;
    for (int i = 0; i < n; i++) tot += p[idx[i]];
    double r = rng_f32(rng) * tot, c = 0;
    for (int i = 0; i < n; i++) {
        c += p[idx[i]];
        if (r < c) return idx[i];
    }
    return idx[n - 1];
}
