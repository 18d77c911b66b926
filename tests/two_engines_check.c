/* test-two-engines: two engines with different design points and plans in
 * one process, stepped interleaved, must give what each gives alone in a
 * process of its own (fork): logits bit for bit and the same cycles and
 * energy per op. Run for the analytical sim backend and for the SystemC
 * platform (one kernel per process, shared by both engines). Any state that
 * leaked between engines (a global design point, a cache keyed by engine
 * address, a platform left configured by the other engine) shows up as a
 * difference. --fault perturbs engine B's design point in its own process
 * only (the check must then fail).
 * Usage: two_engines_check MODEL [-n TOKENS] [--fault] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend_platform.h"
#include "design_point.h"
#include "engine.h"
#include "model.h"
#include "plan.h"

enum { MAX_TOK = 16 };

typedef struct {
    const char *plan;
    dp_config dp;
} engine_spec;

/* What one engine produced: logits of every token, then per op cycles and energy. */
typedef struct {
    size_t n;
    double *v;
} trace;

static int open_engine(rt_engine *eng, const rt_model *m, rt_plan *plan, const engine_spec *s,
                       const rt_backend_iface *sim, rt_err *e) {
    rt_sched_opts so;
    rt_sched_default(&so);
    if (rt_plan_parse(plan, s->plan, e) || rt_sched_register(&so, sim, &s->dp, e) ||
        rt_sched_backend(&so, "sim", e) || rt_sched_place(&so, "*=sim", e))
        return 1;
    return rt_engine_init(eng, m, plan, &so, e);
}

static int trace_alloc(trace *t, const rt_model *m, const rt_engine *eng, int n) {
    t->n = (size_t)n * (size_t)m->cfg.vocab + 2 * (size_t)eng->n_ops;
    t->v = calloc(t->n, sizeof(double));
    return t->v ? 0 : 1;
}

/* Steps engines[0..k) interleaved, token by token, greedy from BOS each. */
static int run(const rt_model *m, const engine_spec *specs, int k, int n, const rt_backend_iface *sim, trace *out) {
    rt_err e = {0, ""};
    rt_engine eng[2];
    rt_plan plan[2];
    int tok[2], rc = 0;
    for (int i = 0; i < k; i++) {
        if (open_engine(&eng[i], m, &plan[i], &specs[i], sim, &e) || trace_alloc(&out[i], m, &eng[i], n)) {
            fprintf(stderr, "two_engines_check: %s\n", e.msg);
            return 1;
        }
        tok[i] = m->cfg.bos;
    }
    size_t V = (size_t)m->cfg.vocab;
    for (int t = 0; t < n && !rc; t++)
        for (int i = 0; i < k && !rc; i++) {
            const float *l = rt_engine_step(&eng[i], tok[i], &e);
            if (!l) {
                fprintf(stderr, "two_engines_check: %s\n", e.msg);
                rc = 1;
                break;
            }
            int best = 0;
            for (size_t j = 0; j < V; j++) {
                out[i].v[(size_t)t * V + j] = l[j];
                if (l[j] > l[best]) best = (int)j;
            }
            tok[i] = best;
        }
    for (int i = 0; i < k; i++) {
        for (int o = 0; o < eng[i].n_ops; o++) {
            out[i].v[(size_t)n * V + 2 * (size_t)o] = eng[i].ops[o].st.cycles;
            out[i].v[(size_t)n * V + 2 * (size_t)o + 1] = eng[i].ops[o].st.energy_pj;
        }
        rt_engine_free(&eng[i]);
    }
    return rc;
}

/* Runs spec alone in a child process; its trace comes back through a pipe. */
static int run_alone(const rt_model *m, const engine_spec *spec, int n, const rt_backend_iface *sim, trace *out) {
    int fd[2];
    if (pipe(fd)) return 1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        close(fd[0]);
        trace t;
        int rc = run(m, spec, 1, n, sim, &t);
        if (!rc && write(fd[1], &t.n, sizeof t.n) == (ssize_t)sizeof t.n) {
            size_t done = 0, bytes = t.n * sizeof(double);
            while (done < bytes) {
                ssize_t w = write(fd[1], (const char *)t.v + done, bytes - done);
                if (w <= 0) _exit(1);
                done += (size_t)w;
            }
        }
        _exit(rc);
    }
    close(fd[1]);
    size_t nn = 0, done = 0;
    int ok = read(fd[0], &nn, sizeof nn) == (ssize_t)sizeof nn;
    out->n = nn;
    out->v = ok ? calloc(nn, sizeof(double)) : NULL;
    while (out->v && done < nn * sizeof(double)) {
        ssize_t r = read(fd[0], (char *)out->v + done, nn * sizeof(double) - done);
        if (r <= 0) break;
        done += (size_t)r;
    }
    close(fd[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    return out->v && done == nn * sizeof(double) && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

static int compare(const char *what, const trace *a, const trace *b, size_t n_logits) {
    if (a->n != b->n) {
        printf("%s: %zu vs %zu values\n", what, a->n, b->n);
        return 1;
    }
    for (size_t i = 0; i < a->n; i++)
        if (memcmp(&a->v[i], &b->v[i], sizeof(double))) {
            printf("%s: value %zu (%s) differs: together %.17g alone %.17g\n", what, i,
                   i < n_logits ? "logit" : "cycles/energy", a->v[i], b->v[i]);
            return 1;
        }
    return 0;
}

int main(int argc, char **argv) {
    const char *path = NULL;
    int n = 3, fault = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) n = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--fault")) fault = 1;
        else path = argv[i];
    }
    if (!path || n < 1 || n > MAX_TOK) {
        fprintf(stderr, "usage: two_engines_check MODEL [-n 1..%d] [--fault]\n", MAX_TOK);
        return 2;
    }
    rt_err e = {0, ""};
    rt_model m;
    if (rt_model_load(&m, path, NULL, &e)) {
        fprintf(stderr, "two_engines_check: %s\n", e.msg);
        return 1;
    }
    engine_spec specs[2];
    memset(specs, 0, sizeof specs);
    specs[0].plan = "fp32", specs[1].plan = "w=int4,a=fp8e4m3,kv=bf16";
    dp_default(&specs[0].dp);
    dp_default(&specs[1].dp);
    specs[1].dp.sram_kib = 64, specs[1].dp.dram_gbps = 6.4, specs[1].dp.rmmec_units = 16, specs[1].dp.pim_banks = 4;
    const rt_backend_iface *backends[2] = {&rt_backend_sim, &rt_backend_platform};
    const char *names[2] = {"analytical sim", "SystemC platform"};
    int bad = 0;
    size_t n_logits = (size_t)n * (size_t)m.cfg.vocab;
    for (int b = 0; b < 2; b++) {
        trace alone[2], together[2];
        engine_spec solo_b = specs[1];
        if (fault) solo_b.dp.dram_gbps *= 1.5; /* B alone runs another point: must differ */
        if (run_alone(&m, &specs[0], n, backends[b], &alone[0]) || run_alone(&m, &solo_b, n, backends[b], &alone[1]) ||
            run(&m, specs, 2, n, backends[b], together)) {
            printf("%s: a run failed\n", names[b]);
            return 1;
        }
        int d = compare("engine A", &together[0], &alone[0], n_logits) + compare("engine B", &together[1], &alone[1], n_logits);
        double ca = 0, cb = 0;
        for (size_t i = n_logits; i < together[0].n; i += 2) ca += together[0].v[i];
        for (size_t i = n_logits; i < together[1].n; i += 2) cb += together[1].v[i];
        printf("%s: engines A (fp32, default point) and B (int4/fp8/bf16, small point) interleaved, %d tokens: "
               "%zu + %zu values %s; cycles/token A %.0f, B %.0f\n",
               names[b], n, together[0].n, together[1].n, d ? "DIFFER from separate processes" : "equal to separate processes",
               ca / n, cb / n);
        if (ca <= 0 || cb <= 0 || ca == cb) { /* the check must have compared two different timings */
            printf("%s: timings missing or equal: the check proves nothing\n", names[b]);
            d = 1;
        }
        bad += d;
        for (int i = 0; i < 2; i++) free(alone[i].v), free(together[i].v);
    }
    rt_model_free(&m);
    return bad ? 1 : 0;
}
