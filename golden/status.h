/* Status codes shared by the golden library and everything built on it.
 * Functions that can fail return one of these (0 = success, negative = error). */
#ifndef LPCS_GOLDEN_STATUS_H
#define LPCS_GOLDEN_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    LPCS_OK = 0,
    LPCS_EINVAL = -1,       /* bad argument: null pointer, out-of-range parameter */
    LPCS_ERANGE = -2,       /* value or size out of the supported range */
    LPCS_ENOMEM = -3,       /* allocation failed */
    LPCS_EFORMAT = -4,      /* malformed input data or file */
    LPCS_EIO = -5,          /* read/write failed */
    LPCS_EUNSUPPORTED = -6  /* unknown format or operation */
} lpcs_status;

/* A short English description of a status code (never NULL). */
const char *lpcs_status_str(int status);

#ifdef __cplusplus
}
#endif
#endif
