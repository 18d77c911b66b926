/* Helper of the unit tests that load a shipped model (header-only). */
#ifndef LPCS_TEST_MODEL_UTIL_H
#define LPCS_TEST_MODEL_UTIL_H

#include "model.h"
#include "test_util.h"

/* Loads ../shared/rel into m; the loader's message on stderr if it fails. */
static inline int test_load_model(rt_model *m, const char *rel) {
    char p[600];
    rt_err e = {0, ""};
    int rc = rt_model_load(m, test_shared_path(p, sizeof p, rel), NULL, &e);
    if (rc) fprintf(stderr, "%s\n", e.msg);
    return rc;
}

#endif
