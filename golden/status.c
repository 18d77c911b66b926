#include "status.h"

const char *lpcs_status_str(int status) {
    switch (status) {
    case LPCS_OK: return "ok";
    case LPCS_EINVAL: return "invalid argument";
    case LPCS_ERANGE: return "out of range";
    case LPCS_ENOMEM: return "out of memory";
    case LPCS_EFORMAT: return "malformed input";
    case LPCS_EIO: return "I/O error";
    case LPCS_EUNSUPPORTED: return "unsupported";
    default: return "unknown error";
    }
}
