/* cuda = cpu, bit for bit, through the runtime: the device-resident engine
 * (sw_runtime/cuda_resident.h) against the cpu backend's op list, token by
 * token, on the shipped checkpoints, for several plans; every logit of
 * three validation windows compared as bits, with the default kernels, the
 * session-4 fast paths (mode 5: lane-after-lane GEMM, attention score buffer,
 * persistent one-row GEMV grid) and the GEMV kernels. Exact-unit plans
 * (RMMEC, LUT-GEMV, shift-MAC) also run once with the device's copy of one
 * weight tile corrupted (RT_CUDA_FAULT, a fault in the design under test),
 * which must change logits.
 * Exit 77 (skipped) without a CUDA device or without ../shared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/lpcs_cuda.h"
#include "cuda_resident.h"
#include "engine.h"
#include "rt_file.h"

static int failed = 0, passed = 0;

static void check(const char *model, const char *plan, const char *what, const float *got, const float *want,
                  size_t n, size_t min_items) {
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < n; i++)
        if (memcmp(&got[i], &want[i], 4) && !bad++) first = i;
    int ok = !bad && n >= min_items;
    ok ? passed++ : failed++;
    printf("%s %s plan %s, %s: ", ok ? "PASS" : "FAIL", model, plan, what);
    if (bad)
        printf("%zu of %zu logits differ, first at %zu: cuda %.9g cpu %.9g\n", bad, n, first, got[first], want[first]);
    else
        printf("%zu logits bit-identical%s\n", n, n >= min_items ? "" : " (too few)");
}

int main(void) {
    const char *sh = getenv("LPCS_SHARED") ? getenv("LPCS_SHARED") : "../shared";
    /* LPCS_RESIDENT_ONLY=TEXT: only the plans whose name contains TEXT (short device runs) */
    const char *only = getenv("LPCS_RESIDENT_ONLY");
    if (!lpcs_cuda_available()) {
        char d[256];
        printf("SKIP: %s\n", lpcs_cuda_describe(d, sizeof d));
        return 77;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/data/tinyshakespeare.txt", sh);
    rt_file text;
    rt_err e = {0, ""};
    if (rt_file_map(&text, path, &e)) {
        printf("SKIP: %s\n", e.msg);
        return 77;
    }
    enum { NS = 3, T = 256 };
    const size_t val0 = 1003854, starts[NS] = {val0, val0 + 256, val0 + 100 * 256};
    int tok[NS * T];
    for (int s = 0; s < NS; s++)
        for (int t = 0; t < T; t++) tok[s * T + t] = t == 0 ? 1 : text.data[starts[s] + (size_t)t - 1] + 3;
    const char *models[] = {"shakespeare-llama.bin", "shakespeare-mmfree.safetensors"};
    /* "exact:" = exec exact (the RMMEC's own arithmetic on the device),
     * other posit weights: exec fake (their fp32 form) */
    const char *plans[][20] = {{"fp32", "bf16", "fp16", "w=fp8e4m3", "w=int4", "w=mxfp4", "w=nvfp4", "w=p8e0",
                                "w=ternary", "w=mxfp4,a=fp8e4m3,kv=bf16", "w=int8,a=int8,kv=nvfp4",
                                "w=p16e1,a=p8e0,kv=mxfp6", "exact:w=p8e0", "exact:w=fp4e2m1,a=fp8e4m3",
                                "exact:w=p4e1,a=p4e1", "exact:w=p16e1", "exact:w=int4,a=int8",
                                "exact:w=ternary,a=int8", "exact:w=shiftmac", "exact:w=int8,a=int4"},
                               {"fp32", "w.embed=bf16", "a=fp8e4m3", "a=int4", "a=mxfp4", "a=nvfp4", "a=p8e1",
                                "a=ternary", NULL}};
    for (int mi = 0; mi < 2; mi++) {
        rt_model m;
        snprintf(path, sizeof path, "%s/models/%s", sh, models[mi]);
        if (rt_model_load(&m, path, NULL, &e)) {
            printf("FAIL load %s: %s\n", path, e.msg);
            failed++;
            continue;
        }
        size_t V = (size_t)m.cfg.vocab, n = (size_t)NS * T * V;
        float *want = malloc(n * 4), *got = malloc(n * 4);
        for (int pi = 0; pi < 20 && plans[mi][pi]; pi++) {
            rt_plan plan;
            const int exact = !strncmp(plans[mi][pi], "exact:", 6);
            if (only && !strstr(plans[mi][pi], only)) continue;
            /* exact plans: one window (the cpu side runs golden's quire per output) */
            const int ns = exact ? 1 : NS;
            const size_t nl = (size_t)ns * T * V;
            const char *spec = plans[mi][pi] + (exact ? 6 : 0);
            if (rt_plan_parse(&plan, spec, &e)) {
                printf("FAIL plan %s: %s\n", plans[mi][pi], e.msg);
                failed++;
                continue;
            }
            rt_sched_opts so;
            rt_sched_default(&so);
            /* plans without "exact:" run in their fp32 form (exec fake); with
             * it, RMMEC and LUT-GEMV ops run the unit's arithmetic on the device */
            so.exec_fake = !exact;
            if (rt_sched_backend(&so, "cpu", &e)) {
                printf("FAIL sched: %s\n", e.msg);
                failed++;
                continue;
            }
            rt_engine eng;
            if (rt_engine_init(&eng, &m, &plan, &so, &e)) {
                printf("FAIL engine: %s\n", e.msg);
                failed++;
                continue;
            }
            if (exact) { /* the exact plans must put their matmuls on the unit they name */
                const char *unit = strstr(spec, "shiftmac")                         ? "shiftmac"
                                   : strstr(spec, "int") || strstr(spec, "ternary") ? "lutgemv"
                                                                                    : "rmmec";
                int on = 0;
                for (int i = 0; i < eng.n_ops; i++) on += eng.ops[i].unit && !strcmp(eng.ops[i].unit, unit);
                printf("%s %s plan %s: %d matmuls on unit %s\n", on >= 8 ? "PASS" : "FAIL", models[mi], plans[mi][pi], on,
                       unit);
                if (on < 8) failed++;
                else passed++;
            }
            for (int s = 0; s < ns; s++) {
                rt_engine_reset(&eng);
                for (int t = 0; t < T; t++) {
                    const float *lg = rt_engine_step(&eng, tok[s * T + t], &e);
                    if (lg) memcpy(want + ((size_t)s * T + (size_t)t) * V, lg, V * 4);
                }
            }
            static const int modes[3] = {0, 5, 1}; /* default kernels, session-4 fast paths, GEMV kernels */
            for (int mi5 = 0; mi5 < 3; mi5++) {
                const int mode = modes[mi5];
                memset(got, 0xff, n * 4);
                if (rt_cuda_resident_logits(&eng, tok, ns, T, mode, got, &e)) {
                    printf("FAIL %s plan %s: %s\n", models[mi], plans[mi][pi], e.msg);
                    failed++;
                    continue;
                }
                check(models[mi], plans[mi][pi],
                      mode == 0   ? "windows in one batch, default kernels"
                      : mode == 5 ? "windows in one batch, fast paths (mode 5)"
                                  : "windows, GEMV kernels",
                      got, want, nl, (size_t)ns * T * V);
            }
            const int packed = rt_cuda_resident_packed(&eng);
            if (!exact && (!strcmp(spec, "w=int4") || !strcmp(spec, "w=ternary"))) {
                /* low-bit fake-quant weights: the device holds codes + row scales (at least the 7 matrices of
                 * every layer), and a decode of window 0 token by token (one-row packed GEMV, RMSNorm folded
                 * into it, CUDA graph) gives the cpu backend's logits */
                const int need = 7 * m.cfg.n_layers;
                packed >= need ? passed++ : failed++;
                printf("%s %s plan %s: %d matmuls held as packed codes (need >= %d)\n", packed >= need ? "PASS" : "FAIL",
                       models[mi], plans[mi][pi], packed, need);
                rt_cuda_stepper *st = NULL;
                memset(got, 0xff, n * 4);
                int rc = rt_cuda_stepper_open(&eng, 1, T, &st, &e);
                for (int t = 0; !rc && t < T; t++) {
                    const float *lg = rt_cuda_stepper_run(st, &tok[t], 1, 1, t, &e);
                    if (!lg) rc = 1;
                    else memcpy(got + (size_t)t * V, lg, V * 4);
                }
                rt_cuda_stepper_close(st);
                if (rc) {
                    printf("FAIL %s plan %s decode: %s\n", models[mi], plans[mi][pi], e.msg);
                    failed++;
                } else
                    check(models[mi], plans[mi][pi], "decode 1 sequence x 256 steps (packed one-row GEMV)", got, want,
                          (size_t)T * V, (size_t)T * V);
            }
            if (exact || packed) { /* DUT fault: the device's weights of one exact op (else a packed matrix) corrupted */
                memset(got, 0xff, n * 4);
                size_t bad = 0;
                int rc = rt_cuda_resident_logits(&eng, tok, ns, T, 2 | RT_CUDA_FAULT, got, &e);
                for (size_t i = 0; !rc && i < nl; i++) bad += memcmp(&got[i], &want[i], 4) != 0;
                int ok = !rc && bad > 0;
                ok ? passed++ : failed++;
                printf("%s %s plan %s, device weight fault detected: %zu of %zu logits differ%s%s\n", ok ? "PASS" : "FAIL",
                       models[mi], plans[mi][pi], bad, nl, rc ? ": " : "", rc ? e.msg : "");
            }
            rt_engine_free(&eng);
        }
        free(want), free(got);
        rt_model_free(&m);
    }
    rt_file_unmap(&text);
    printf("cuda resident vs cpu: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
