/* Temporary files for the harnesses whose parser takes a path (loaders,
 * plan @FILE, grid). Per-input cost matters here: files go to /dev/shm
 * (tmpfs: no block allocation or truncation on disk) when it is writable,
 * else /tmp, and are written with write(2) (no stdio buffer per input). */
#ifndef LPCS_FUZZ_FILE_H
#define LPCS_FUZZ_FILE_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void fuzz_tmp_path(char *path, size_t cap, const char *name) {
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(path, cap, "%s/lpcs-fuzz-%d-%s", dir, (int)getpid(), name);
}

static void fuzz_write_file(const char *path, const uint8_t *d, size_t n) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) abort();
    while (n) {
        ssize_t w = write(fd, d, n);
        if (w <= 0) abort();
        d += w, n -= (size_t)w;
    }
    if (close(fd)) abort();
}

#endif
