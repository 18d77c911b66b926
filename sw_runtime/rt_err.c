#include "rt_err.h"

#include <stdarg.h>
#include <stdio.h>

int rt_fail(rt_err *e, int status, const char *fmt, ...) {
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        e->status = status;
    }
    return status;
}
