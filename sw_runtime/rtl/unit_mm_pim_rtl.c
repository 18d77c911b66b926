/* "lutgemv" matmul on the Verilated PIM bank (unit_mm_pim_rtl.h). */
#include "unit_mm_pim_rtl.h"

#include "pim_rtl.h"

static int pim_gemm(void *ctx, void *mat, const void *x, int n, void *y) {
    const rt_mm_weights *w = mat;
    if (!w->lut) return LPCS_EINVAL;
    lutgemv_cfg c = *w->lut;
    const int nb = pim_rtl_params().batch;
    c.batch = 1;
    size_t per_tok = lutgemv_acc_len(&c); /* batch-n results are batch-1 results token after token */
    for (int t0 = 0; t0 < n; t0 += nb) {
        c.batch = (size_t)(n - t0 < nb ? n - t0 : nb);
        int st = pim_rtl_gemv(ctx, &c, w->data, NULL, (const int8_t *)x + (size_t)t0 * c.cols, 1,
                              (int64_t *)y + (size_t)t0 * per_tok, NULL);
        if (st) return st == -2 ? LPCS_ERANGE : LPCS_EINVAL;
    }
    return LPCS_OK;
}

const rt_unit_mm rt_unit_mm_rtl_lutgemv = {"lutgemv", "rtl", rt_mm_keep_prepare, pim_gemm, rt_mm_keep_release};
