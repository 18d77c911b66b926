/* safetensors reader: 8-byte little-endian header length, a JSON header
 * (parsed with libjansson) mapping tensor names to dtype, shape and
 * data_offsets, then raw little-endian data. F32, F16 and BF16 tensors are
 * converted to fp32 on read; every offset and shape is validated first. */
#ifndef LPCS_RT_SAFETENSORS_H
#define LPCS_RT_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "rt_err.h"
#include "rt_file.h"

#define ST_MAX_DIMS 8
#define ST_MAX_HEADER (100u << 20)

typedef enum { ST_F32, ST_F16, ST_BF16, ST_UNSUPPORTED } st_dtype;

typedef struct {
    char name[256];
    char dtype_name[16];
    st_dtype dtype;
    int ndim;
    uint64_t shape[ST_MAX_DIMS];
    uint64_t numel;
    uint64_t begin, end; /* relative to the data section */
} st_tensor;

typedef struct {
    rt_file file;
    st_tensor *t;
    size_t n;
    uint64_t data_off; /* 8 + header length */
} st_file;

int st_open(st_file *s, const char *path, rt_err *e);
void st_close(st_file *s);
const st_tensor *st_find(const st_file *s, const char *name);
/* Reads tensor `name` as fp32 into dst after checking it exists, has a
 * supported dtype and exactly the expected shape (ndim dims). */
int st_read_f32(const st_file *s, const char *name, int ndim, const uint64_t *shape, float *dst, rt_err *e);

float st_f16_to_f32(uint16_t h);
float st_bf16_to_f32(uint16_t h);

#endif
