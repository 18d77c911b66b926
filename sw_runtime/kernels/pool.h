/* A small fixed thread pool for splitting one op's rows over threads. The
 * engine owns one (no global state); kn_pool_run runs fn(arg, i, n) for
 * i = 0..n-1, n = the pool's thread count, with the caller as i = 0, and
 * returns when all are done. Results never depend on n as long as each task
 * computes whole independent outputs (rows, heads). */
#ifndef LPCS_SW_RUNTIME_KN_POOL_H
#define LPCS_SW_RUNTIME_KN_POOL_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kn_pool kn_pool;
typedef void (*kn_task_fn)(void *arg, int idx, int n);

/* threads >= 1 (1: no worker threads, kn_pool_run calls fn inline). NULL on
 * failure (out of memory or pthread_create failed). */
kn_pool *kn_pool_new(int threads);
void kn_pool_free(kn_pool *p);
int kn_pool_threads(const kn_pool *p);
/* on (the default): waiters spin briefly (adaptively) before sleeping; 0:
 * they always sleep on the condition variable (for comparisons). Call
 * between jobs. */
void kn_pool_set_spin(kn_pool *p, int on);
void kn_pool_run(kn_pool *p, kn_task_fn fn, void *arg);

/* [*lo, *hi) = part idx of n of the range [0, len), cut at multiples of align. */
void kn_split(unsigned long len, int idx, int n, unsigned long align, unsigned long *lo, unsigned long *hi);

#ifdef __cplusplus
}
#endif
#endif
