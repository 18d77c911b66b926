/* sw_runtime/kernels/pool: every kn_pool_run calls fn exactly once for each
 * idx 0..n-1 and returns only after all of them finished, for 1-4 threads,
 * over many back-to-back jobs (the spin path) and jobs spaced by sleeps
 * longer than the spin (the sleep path, both for the workers' wake-up and
 * the caller's wait), plus a job whose worker parts are slower than the
 * caller's (the caller must wait for them); and with spinning off. */
#include <stdatomic.h>
#include <time.h>

#include "kernels/pool.h"
#include "test_util.h"

typedef struct {
    atomic_int calls[8];
    atomic_int done;
    int bad_n, slow_workers, n_expect;
} job;

static void nap_us(long us) {
    struct timespec t = {0, us * 1000L};
    nanosleep(&t, NULL);
}

static void task(void *arg, int idx, int n) {
    job *j = arg;
    if (n != j->n_expect || idx < 0 || idx >= n) j->bad_n = 1;
    if (j->slow_workers && idx > 0) nap_us(2000);
    atomic_fetch_add(&j->calls[idx & 7], 1);
    atomic_fetch_add(&j->done, 1);
}

/* Runs `jobs` jobs on a pool of th threads; gap_us between jobs (0: none). */
static long run_jobs(int th, int jobs, long gap_us, int slow, int spin) {
    kn_pool *p = kn_pool_new(th);
    assert_non_null(p);
    kn_pool_set_spin(p, spin);
    assert_int_equal(kn_pool_threads(p), th);
    long checked = 0;
    for (int k = 0; k < jobs; k++) {
        job j = {.slow_workers = slow, .n_expect = th};
        for (int i = 0; i < 8; i++) atomic_init(&j.calls[i], 0);
        atomic_init(&j.done, 0);
        kn_pool_run(p, task, &j);
        /* returned: every part has run exactly once, none is still running */
        if (atomic_load(&j.done) != th || j.bad_n) fail_msg("%d threads, job %d: %d of %d parts done", th, k, atomic_load(&j.done), th);
        for (int i = 0; i < th; i++)
            if (atomic_load(&j.calls[i]) != 1) fail_msg("%d threads, job %d: part %d ran %d times", th, k, i, atomic_load(&j.calls[i]));
        checked += th;
        if (gap_us) nap_us(gap_us);
    }
    kn_pool_free(p);
    return checked;
}

static void test_every_part_once(void **state) {
    (void)state;
    long checked = 0;
    for (int th = 1; th <= 4; th++) {
        checked += run_jobs(th, 3000, 0, 0, 1); /* back to back: workers spinning */
        checked += run_jobs(th, 30, 300, 0, 1);  /* gaps beyond the spin: workers asleep */
        checked += run_jobs(th, 10, 0, 1, 1);    /* workers slower than the caller: the caller sleeps */
        checked += run_jobs(th, 500, 0, 0, 0);   /* --no-spin: every wait sleeps */
    }
    printf("kn_pool: %ld parts checked\n", checked);
    assert_true(checked >= 3000 * (1 + 2 + 3 + 4));
}

static void test_split_covers(void **state) {
    (void)state;
    long checked = 0;
    for (unsigned long len = 0; len < 300; len += 7)
        for (int n = 1; n <= 5; n++) {
            unsigned long prev = 0;
            for (int i = 0; i < n; i++) {
                unsigned long lo, hi;
                kn_split(len, i, n, 16, &lo, &hi);
                assert_true(lo == prev && lo <= hi && hi <= len && (lo % 16 == 0 || lo == len));
                prev = hi, checked++;
            }
            assert_true(prev == len);
        }
    assert_true(checked > 500);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_part_once),
        cmocka_unit_test(test_split_covers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
