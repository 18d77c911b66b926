/* kn_pool: a job is a generation number. Between jobs the workers spin on it
 * for a short while (a token's ops come microseconds apart, and a futex
 * wake-up costs more than that), then sleep on a condition variable; the
 * caller waits for the countdown the same way. The spin adapts per waiter:
 * it grows by 1/8 + 16 (up to KN_POOL_SPIN_MAX) when the wait ended while
 * spinning and is quartered (down to KN_POOL_SPIN_MIN) when it had to sleep
 * (one slept wait undoes ~12 short ones), so on an oversubscribed machine,
 * where the other thread is often descheduled and spinning only burns CPU
 * time, the pool falls back to sleeping. A sleeper announces itself
 * (sleepers / caller_sleeps) before it checks the condition under the mutex,
 * and the other side checks the announcement after its own change (both
 * sequentially consistent), so no wake-up is lost. */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#else
#define cpu_relax() ((void)0)
#endif

/* Spin iterations (one pause each, ~10-40 ns) before sleeping: at most
 * about 20-80 us, at least well under 1 us. */
#define KN_POOL_SPIN_MAX 2048
#define KN_POOL_SPIN_MIN 16
static int spin_after(int spin, int slept, int max) {
    int s = slept ? spin / 4 : spin + spin / 8 + 16; /* slow growth, fast decay */
    s = s < KN_POOL_SPIN_MIN ? KN_POOL_SPIN_MIN : s;
    return s < max ? s : max;
}

struct kn_pool {
    int threads;
    pthread_t *th;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    atomic_ulong gen;
    atomic_int pending, stop, sleepers, caller_sleeps;
    int caller_spin;      /* the caller's adaptive spin (only kn_pool_run touches it) */
    atomic_int spin_max;  /* KN_POOL_SPIN_MAX, or 0: always sleep (kn_pool_set_spin) */
    kn_task_fn fn;
    void *arg;
};

typedef struct {
    kn_pool *p;
    int idx;
} worker_arg;

/* Waits until the generation moves past seen (or stop); returns it. *spin:
 * the worker's adaptive spin. */
static unsigned long wait_job(kn_pool *p, unsigned long seen, int *spin) {
    for (int i = 0; i < *spin; i++) {
        if (atomic_load(&p->gen) != seen || atomic_load(&p->stop)) {
            *spin = spin_after(*spin, 0, atomic_load(&p->spin_max));
            return atomic_load(&p->gen);
        }
        cpu_relax();
    }
    *spin = spin_after(*spin, 1, atomic_load(&p->spin_max));
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add(&p->sleepers, 1);
    while (atomic_load(&p->gen) == seen && !atomic_load(&p->stop)) pthread_cond_wait(&p->go, &p->mu);
    atomic_fetch_sub(&p->sleepers, 1);
    pthread_mutex_unlock(&p->mu);
    return atomic_load(&p->gen);
}

static void *worker(void *v) {
    worker_arg *w = v;
    kn_pool *p = w->p;
    int idx = w->idx;
    free(w);
    unsigned long seen = 0;
    int spin = KN_POOL_SPIN_MAX;
    for (;;) {
        seen = wait_job(p, seen, &spin);
        if (atomic_load(&p->stop)) break;
        p->fn(p->arg, idx, p->threads); /* fn / arg were written before gen (release by the seq_cst store) */
        if (atomic_fetch_sub(&p->pending, 1) == 1 && atomic_load(&p->caller_sleeps)) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->mu);
        }
    }
    return NULL;
}

kn_pool *kn_pool_new(int threads) {
    if (threads < 1) return NULL;
    kn_pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->threads = threads;
    p->caller_spin = KN_POOL_SPIN_MAX;
    atomic_init(&p->spin_max, KN_POOL_SPIN_MAX);
    atomic_init(&p->gen, 0);
    atomic_init(&p->pending, 0);
    atomic_init(&p->stop, 0);
    atomic_init(&p->sleepers, 0);
    atomic_init(&p->caller_sleeps, 0);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->go, NULL);
    pthread_cond_init(&p->done, NULL);
    if (threads > 1) {
        p->th = calloc((size_t)threads, sizeof *p->th);
        if (!p->th) {
            kn_pool_free(p);
            return NULL;
        }
        for (int i = 1; i < threads; i++) {
            worker_arg *w = malloc(sizeof *w);
            if (!w) break;
            *w = (worker_arg){p, i};
            if (pthread_create(&p->th[i], NULL, worker, w)) {
                free(w);
                break;
            }
            p->started++;
        }
        if (p->started != threads - 1) {
            kn_pool_free(p);
            return NULL;
        }
    }
    return p;
}

void kn_pool_free(kn_pool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->stop, 1);
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (int i = 1; i <= p->started; i++) pthread_join(p->th[i], NULL);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p->th);
    free(p);
}

int kn_pool_threads(const kn_pool *p) { return p ? p->threads : 1; }

void kn_pool_set_spin(kn_pool *p, int on) {
    if (!p) return;
    atomic_store(&p->spin_max, on ? KN_POOL_SPIN_MAX : 0);
    p->caller_spin = on ? KN_POOL_SPIN_MAX : 0; /* the workers' own spins follow within a job or two */
}

void kn_pool_run(kn_pool *p, kn_task_fn fn, void *arg) {
    if (!p || p->threads == 1) {
        fn(arg, 0, 1);
        return;
    }
    p->fn = fn;
    p->arg = arg;
    atomic_store(&p->pending, p->threads - 1);
    atomic_fetch_add(&p->gen, 1);
    if (atomic_load(&p->sleepers)) { /* under the mutex: a worker between its check and its wait cannot miss it */
        pthread_mutex_lock(&p->mu);
        pthread_cond_broadcast(&p->go);
        pthread_mutex_unlock(&p->mu);
    }
    fn(arg, 0, p->threads);
    for (int i = 0; i < p->caller_spin; i++) {
        if (!atomic_load(&p->pending)) {
            p->caller_spin = spin_after(p->caller_spin, 0, atomic_load(&p->spin_max));
            return;
        }
        cpu_relax();
    }
    p->caller_spin = spin_after(p->caller_spin, 1, atomic_load(&p->spin_max));
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->caller_sleeps, 1);
    while (atomic_load(&p->pending)) pthread_cond_wait(&p->done, &p->mu);
    atomic_store(&p->caller_sleeps, 0);
    pthread_mutex_unlock(&p->mu);
}

void kn_split(unsigned long len, int idx, int n, unsigned long align, unsigned long *lo, unsigned long *hi) {
    unsigned long blocks = (len + align - 1) / align, b0 = blocks * (unsigned long)idx / (unsigned long)n,
                  b1 = blocks * (unsigned long)(idx + 1) / (unsigned long)n;
    *lo = b0 * align < len ? b0 * align : len;
    *hi = b1 * align < len ? b1 * align : len;
}
