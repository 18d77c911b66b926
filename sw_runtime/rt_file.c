#include "rt_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int rt_file_map(rt_file *f, const char *path, rt_err *e) {
    memset(f, 0, sizeof *f);
    if (!path) return rt_fail(e, LPCS_EINVAL, "no file name given");
    snprintf(f->path, sizeof f->path, "%s", path);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return rt_fail(e, LPCS_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return rt_fail(e, LPCS_EIO, "%s: not a regular file", path);
    }
    f->size = (size_t)st.st_size;
    if (f->size > 0) {
        void *p = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            close(fd);
            return rt_fail(e, LPCS_EIO, "%s: cannot map: %s", path, strerror(errno));
        }
        f->data = p;
    }
    close(fd);
    return LPCS_OK;
}

void rt_file_unmap(rt_file *f) {
    if (f && f->data) munmap((void *)f->data, f->size);
    if (f) {
        f->data = NULL;
        f->size = 0;
    }
}

int rt_file_exists(const char *path) {
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
