/* Error reporting for the runtime: every function that can fail fills an
 * rt_err with one readable sentence (naming the file and the problem) and
 * returns an lpcs_status. No global state: the caller owns the rt_err. */
#ifndef LPCS_RT_ERR_H
#define LPCS_RT_ERR_H

#include "status.h"

typedef struct {
    int status;
    char msg[512];
} rt_err;

/* Records status and a printf-style message in e (may be NULL); returns status. */
int rt_fail(rt_err *e, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
