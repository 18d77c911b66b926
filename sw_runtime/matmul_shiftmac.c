/* Shift-MAC matmul kernel of the runtime (see matmul_shiftmac.h). */
#include "matmul_shiftmac.h"

#include <math.h>
#include <stdlib.h>

#include "shiftmac.h"

/* The unit's layer plus its forward scratch, one allocation per op. */
typedef struct {
    shiftmac_linear L;
    unsigned char *scratch;
} shift_aux;

int rt_shiftmac_op(const rt_op *op) {
    return op && op->type == OP_MATMUL && op->qf && !op->qf->identity && op->qf->q.kind == QF_SHIFTMAC;
}

int rt_shiftmac_attach(rt_op *op, const float *w, rt_err *e) {
    shift_aux *a = calloc(1, sizeof *a);
    if (!a) return rt_fail(e, LPCS_ENOMEM, "out of memory for the shiftmac layer %s", op->name);
    int rc = shiftmac_linear_init(&a->L, w, op->cols, op->rows, 1);
    if (rc == LPCS_OK) {
        a->scratch = malloc(shiftmac_linear_scratch_bytes(&a->L));
        if (!a->scratch) rc = LPCS_ENOMEM;
    }
    if (rc != LPCS_OK) {
        shiftmac_linear_free(&a->L);
        free(a);
        return rt_fail(e, rc, "plan: cannot quantize %s to shiftmac: %s", op->name, lpcs_status_str(rc));
    }
    op->aux = a;
    return LPCS_OK;
}

int rt_shiftmac_exec(const rt_op *op, const float *in, float *out) {
    shift_aux *a = op->aux;
    int rc = a ? shiftmac_linear_forward(&a->L, in, out, a->scratch) : LPCS_EINVAL;
    if (rc) /* NaN/Inf input (or no layer): NaN out, as an fp32 matvec would give */
        for (size_t r = 0; r < op->rows; r++) out[r] = NAN;
    return rc;
}

const shiftmac_linear *rt_shiftmac_layer(const rt_op *op) {
    const shift_aux *a = rt_shiftmac_op(op) ? op->aux : NULL;
    return a ? &a->L : NULL;
}

void rt_shiftmac_release(rt_engine *eng) {
    for (int i = 0; eng->ops && i < eng->n_ops; i++) {
        rt_op *op = &eng->ops[i];
        if (!rt_shiftmac_op(op) || !op->aux) continue;
        shift_aux *a = op->aux;
        shiftmac_linear_free(&a->L);
        free(a->scratch);
        free(a);
        op->aux = NULL;
    }
}
