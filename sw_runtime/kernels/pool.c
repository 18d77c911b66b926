/* kn_pool: workers sleep on a condition variable between jobs; a job is a
 * generation number, the workers' countdown signals the caller. */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

struct kn_pool {
    int threads;
    pthread_t *th;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    unsigned long gen;
    int pending, stop;
    kn_task_fn fn;
    void *arg;
};

typedef struct {
    kn_pool *p;
    int idx;
} worker_arg;

static void *worker(void *v) {
    worker_arg *w = v;
    kn_pool *p = w->p;
    int idx = w->idx;
    free(w);
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->gen == seen) pthread_cond_wait(&p->go, &p->mu);
        if (p->stop) break;
        seen = p->gen;
        kn_task_fn fn = p->fn;
        void *arg = p->arg;
        pthread_mutex_unlock(&p->mu);
        fn(arg, idx, p->threads);
        pthread_mutex_lock(&p->mu);
        if (--p->pending == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

kn_pool *kn_pool_new(int threads) {
    if (threads < 1) return NULL;
    kn_pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->threads = threads;
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
    p->stop = 1;
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

void kn_pool_run(kn_pool *p, kn_task_fn fn, void *arg) {
    if (!p || p->threads == 1) {
        fn(arg, 0, 1);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->arg = arg;
    p->pending = p->threads - 1;
    p->gen++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    fn(arg, 0, p->threads);
    pthread_mutex_lock(&p->mu);
    while (p->pending) pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void kn_split(unsigned long len, int idx, int n, unsigned long align, unsigned long *lo, unsigned long *hi) {
    unsigned long blocks = (len + align - 1) / align, b0 = blocks * (unsigned long)idx / (unsigned long)n,
                  b1 = blocks * (unsigned long)(idx + 1) / (unsigned long)n;
    *lo = b0 * align < len ? b0 * align : len;
    *hi = b1 * align < len ? b1 * align : len;
}
