/* A whole file mapped read-only into memory (mmap; empty files allowed). */
#ifndef LPCS_RT_FILE_H
#define LPCS_RT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "rt_err.h"

typedef struct {
    const uint8_t *data;
    size_t size;
    char path[1024];
} rt_file;

int rt_file_map(rt_file *f, const char *path, rt_err *e);
void rt_file_unmap(rt_file *f);
/* 1 if path names an existing regular file. */
int rt_file_exists(const char *path);

#endif
