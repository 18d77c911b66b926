/* The device-resident engine (sw_runtime/cuda/llm_engine.h) against an
 * independent host oracle: a plain serial C++ forward of the shipped
 * Llama-2 checkpoint written from the numerics contract (lpcs_dot_f32 per
 * row, lpcs_expf, ascending softmax sum, fmaf attention output), one token
 * at a time. Logits are compared bit for bit for: a batch of windows through
 * the tiled GEMM, the same through the GEMV kernels, token-by-token decode
 * (KV cache on the device), bf16-stored weights. Then timings:
 *   --ppl       full validation split in batches (ms per forward, NLL)
 *   --bench7b   decode tok/s at batch 1/8/64 and prefill on Llama-2-7B
 *               shapes (random bf16 / fp32 weights) vs copy bandwidth
 *   --inject    corrupt one device weight: the logit checks must FAIL
 *   --no-checks only the timings asked for (for profiler runs)
 * Without a CUDA device: prints SKIP and exits 77. Needs LPCS_SHARED (or
 * ../shared, shared) for the checkpoint; missing -> SKIP, exit 77. */
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <math.h>
#include <string>
#include <vector>

#include "fmath.h"
#include "intq.h"
#include "qformat.h"
#include "ternary.h"
#include "llm_engine.h"
#include "test_common.h"

/* ---- the checkpoint (llama2.c legacy v0) ---- */
struct ckpt {
    int dim, hidden, layers, heads, kv_heads, vocab, seq;
    std::vector<float> all;
    const float *emb, *att_norm, *wq, *wk, *wv, *wo, *ffn_norm, *w1, *w2, *w3, *fin;
};

static bool load_ckpt(const std::string &path, ckpt &c) {
    FILE *f = fopen(path.c_str(), "rb");
    if (!f) return false;
    int h[7];
    if (fread(h, 4, 7, f) != 7) return fclose(f), false;
    c.dim = h[0], c.hidden = h[1], c.layers = h[2], c.heads = h[3], c.kv_heads = h[4], c.vocab = abs(h[5]), c.seq = h[6];
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 28, SEEK_SET);
    c.all.resize((size_t)(sz - 28) / 4);
    if (fread(c.all.data(), 4, c.all.size(), f) != c.all.size()) return fclose(f), false;
    fclose(f);
    size_t D = c.dim, H = c.hidden, L = c.layers, KV = D * c.kv_heads / c.heads;
    const float *p = c.all.data();
    c.emb = p, p += (size_t)c.vocab * D;
    c.att_norm = p, p += L * D;
    c.wq = p, p += L * D * D;
    c.wk = p, p += L * KV * D;
    c.wv = p, p += L * KV * D;
    c.wo = p, p += L * D * D;
    c.ffn_norm = p, p += L * D;
    c.w1 = p, p += L * H * D;
    c.w2 = p, p += L * D * H;
    c.w3 = p, p += L * H * D;
    c.fin = p;
    return true;
}

static float bf16_round(float x) { /* RNE to bf16 (finite values) */
    uint32_t u;
    memcpy(&u, &x, 4);
    u = (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
    memcpy(&x, &u, 4);
    return x;
}

/* ---- the oracle ---- */
struct oracle {
    const ckpt *c;
    std::vector<float> rope;               /* [seq][hs] */
    const float *W(int which, int l) const; /* unused */
};

static void rope_table(int seq, int hs, std::vector<float> &t) { /* engine.c's expressions */
    t.resize((size_t)seq * hs);
    for (int pos = 0; pos < seq; pos++)
        for (int i = 0; i < hs; i += 2) {
            float freq = 1.0f / powf(10000.0f, (float)i / (float)hs), val = (float)pos * freq;
            t[(size_t)pos * hs + i] = cosf(val);
            t[(size_t)pos * hs + i + 1] = sinf(val);
        }
}

static void ref_matvec(float *y, const float *W, const float *x, int rows, int cols) {
    for (int r = 0; r < rows; r++) y[r] = lpcs_dot_f32(W + (size_t)r * cols, x, (size_t)cols);
}
static void ref_rmsnorm(float *o, const float *x, const float *w, int n, float eps) {
    float ss = lpcs_dot_f32(x, x, (size_t)n);
    ss /= (float)n;
    ss += eps;
    ss = 1.0f / sqrtf(ss);
    for (int i = 0; i < n; i++) o[i] = w[i] * (ss * x[i]);
}

/* logits[t][vocab] of one sequence; weights: per-tensor pointers (possibly bf16-rounded copies) */
struct wset {
    const float *emb, *att_norm, *wq, *wk, *wv, *wo, *ffn_norm, *w1, *w2, *w3, *fin;
};
static void ref_forward(const ckpt &c, const wset &w, const std::vector<float> &cs, const int *tok, int n,
                        float *logits) {
    const int D = c.dim, H = c.hidden, L = c.layers, NH = c.heads, hs = D / NH, KV = D * c.kv_heads / NH,
              kvmul = NH / c.kv_heads, V = c.vocab;
    std::vector<float> x(D), xb(D), xb2(D), q(D), hb(H), hb2(H), att(n), kc((size_t)L * n * KV), vc(kc.size());
    for (int pos = 0; pos < n; pos++) {
        memcpy(x.data(), w.emb + (size_t)tok[pos] * D, D * 4);
        for (int l = 0; l < L; l++) {
            ref_rmsnorm(xb.data(), x.data(), w.att_norm + (size_t)l * D, D, 1e-5f);
            float *k = &kc[((size_t)l * n + pos) * KV], *v = &vc[((size_t)l * n + pos) * KV];
            ref_matvec(q.data(), w.wq + (size_t)l * D * D, xb.data(), D, D);
            ref_matvec(k, w.wk + (size_t)l * KV * D, xb.data(), KV, D);
            ref_matvec(v, w.wv + (size_t)l * KV * D, xb.data(), KV, D);
            for (int i = 0; i < D; i += 2) {
                float fcr = cs[(size_t)pos * hs + i % hs], fci = cs[(size_t)pos * hs + i % hs + 1];
                float v0 = q[i], v1 = q[i + 1];
                q[i] = v0 * fcr - v1 * fci;
                q[i + 1] = v0 * fci + v1 * fcr;
                if (i < KV) {
                    v0 = k[i], v1 = k[i + 1];
                    k[i] = v0 * fcr - v1 * fci;
                    k[i + 1] = v0 * fci + v1 * fcr;
                }
            }
            for (int h = 0; h < NH; h++) {
                const float *qh = &q[(size_t)h * hs];
                for (int t = 0; t <= pos; t++)
                    att[t] = lpcs_dot_f32(qh, &kc[((size_t)l * n + t) * KV + (size_t)(h / kvmul) * hs], (size_t)hs) /
                             sqrtf((float)hs);
                float mx = att[0];
                for (int t = 1; t <= pos; t++)
                    if (att[t] > mx) mx = att[t];
                float sum = 0.0f;
                for (int t = 0; t <= pos; t++) {
                    att[t] = lpcs_expf(att[t] - mx);
                    sum += att[t];
                }
                for (int t = 0; t <= pos; t++) att[t] /= sum;
                for (int i = 0; i < hs; i++) {
                    float acc = 0.0f;
                    for (int t = 0; t <= pos; t++)
                        acc = fmaf(att[t], vc[((size_t)l * n + t) * KV + (size_t)(h / kvmul) * hs + i], acc);
                    xb[(size_t)h * hs + i] = acc;
                }
            }
            ref_matvec(xb2.data(), w.wo + (size_t)l * D * D, xb.data(), D, D);
            for (int i = 0; i < D; i++) x[i] += xb2[i];
            ref_rmsnorm(xb.data(), x.data(), w.ffn_norm + (size_t)l * D, D, 1e-5f);
            ref_matvec(hb.data(), w.w1 + (size_t)l * H * D, xb.data(), H, D);
            ref_matvec(hb2.data(), w.w3 + (size_t)l * H * D, xb.data(), H, D);
            for (int i = 0; i < H; i++) hb[i] = hb[i] * (1.0f / (1.0f + lpcs_expf(-hb[i]))) * hb2[i];
            ref_matvec(xb2.data(), w.w2 + (size_t)l * D * H, hb.data(), D, H);
            for (int i = 0; i < D; i++) x[i] += xb2[i];
        }
        ref_rmsnorm(xb.data(), x.data(), w.fin, D, 1e-5f);
        ref_matvec(logits + (size_t)pos * V, w.emb, xb.data(), V, D);
    }
}

/* ---- the device engine's op list for the same model (the runtime's buffer ids) ---- */
enum { B_X, B_XB, B_XB2, B_Q, B_KCUR, B_VCUR, B_HB, B_HB2, B_LOGITS = 12 };

struct devmodel {
    std::vector<lpcs_cuda_op> ops;
    std::vector<std::vector<uint16_t>> bf; /* bf16 copies */
    lpcs_cuda_llm_cfg cfg;
};

static void add(devmodel &d, int type, int layer, int in, int in2, int out, size_t rows, size_t cols, size_t n,
                const float *w, float eps, bool bf16) {
    lpcs_cuda_op o;
    memset(&o, 0, sizeof o);
    o.type = type, o.layer = layer, o.in = in, o.in2 = in2, o.out = out, o.rows = rows, o.cols = cols, o.n = n;
    o.w = w, o.eps = eps;
    if (bf16 && type == LPCS_CUDA_OP_MATMUL) {
        d.bf.emplace_back(rows * cols);
        std::vector<uint16_t> &h = d.bf.back();
        for (size_t i = 0; i < rows * cols; i++) {
            uint32_t u;
            memcpy(&u, &w[i], 4);
            h[i] = (uint16_t)(u >> 16); /* w already bf16-rounded */
        }
        o.w_bf16 = h.data();
        o.w = NULL;
    }
    d.ops.push_back(o);
}

static void build(devmodel &d, const ckpt &c, const wset &w, const std::vector<float> &cs, int slots, int max_pos,
                  int max_rows, bool bf16) {
    d.bf.reserve(16 * (size_t)c.layers + 4);
    const size_t D = c.dim, H = c.hidden, V = c.vocab, KV = D * c.kv_heads / c.heads;
    add(d, LPCS_CUDA_OP_EMBED, -1, -1, -1, B_X, V, D, D, w.emb, 0, false);
    for (int l = 0; l < c.layers; l++) {
        add(d, LPCS_CUDA_OP_RMSNORM, l, B_X, -1, B_XB, 0, 0, D, w.att_norm + l * D, 1e-5f, false);
        add(d, LPCS_CUDA_OP_MATMUL, l, B_XB, -1, B_Q, D, D, 0, w.wq + l * D * D, 0, bf16);
        add(d, LPCS_CUDA_OP_MATMUL, l, B_XB, -1, B_KCUR, KV, D, 0, w.wk + l * KV * D, 0, bf16);
        add(d, LPCS_CUDA_OP_MATMUL, l, B_XB, -1, B_VCUR, KV, D, 0, w.wv + l * KV * D, 0, bf16);
        add(d, LPCS_CUDA_OP_ROPE, l, B_Q, B_KCUR, -1, 0, KV, D, NULL, 0, false);
        add(d, LPCS_CUDA_OP_ATTENTION, l, B_Q, -1, B_XB, 0, KV, D, NULL, 0, false);
        add(d, LPCS_CUDA_OP_MATMUL, l, B_XB, -1, B_XB2, D, D, 0, w.wo + l * D * D, 0, bf16);
        add(d, LPCS_CUDA_OP_ADD, l, B_XB2, -1, B_X, 0, 0, D, NULL, 0, false);
        add(d, LPCS_CUDA_OP_RMSNORM, l, B_X, -1, B_XB, 0, 0, D, w.ffn_norm + l * D, 1e-5f, false);
        add(d, LPCS_CUDA_OP_MATMUL, l, B_XB, -1, B_HB, H, D, 0, w.w1 + l * H * D, 0, bf16);
        add(d, LPCS_CUDA_OP_MATMUL, l, B_XB, -1, B_HB2, H, D, 0, w.w3 + l * H * D, 0, bf16);
        add(d, LPCS_CUDA_OP_SWIGLU, l, B_HB, B_HB2, B_HB, 0, 0, H, NULL, 0, false);
        add(d, LPCS_CUDA_OP_MATMUL, l, B_HB, -1, B_XB2, D, H, 0, w.w2 + l * D * H, 0, bf16);
        add(d, LPCS_CUDA_OP_ADD, l, B_XB2, -1, B_X, 0, 0, D, NULL, 0, false);
    }
    add(d, LPCS_CUDA_OP_RMSNORM, -1, B_X, -1, B_XB, 0, 0, D, w.fin, 1e-5f, false);
    add(d, LPCS_CUDA_OP_MATMUL, -1, B_XB, -1, B_LOGITS, V, D, 0, w.emb, 0, bf16);
    memset(&d.cfg, 0, sizeof d.cfg);
    lpcs_cuda_llm_cfg &g = d.cfg;
    g.dim = c.dim, g.hidden = c.hidden, g.n_layers = c.layers, g.n_heads = c.heads, g.n_kv_heads = c.kv_heads;
    g.vocab = c.vocab, g.max_pos = max_pos, g.max_slots = slots, g.max_rows = max_rows, g.rope_cs = cs.data();
    size_t big = std::max(D, 2 * H);
    size_t sz[13] = {D, big, D, D, KV, KV, 2 * H, big, D, D, D, 0, V};
    for (int b = 0; b < 13; b++) g.buf_size[b] = (int)((sz[b] + 3) & ~(size_t)3);
    g.buf_kcur = B_KCUR, g.buf_vcur = B_VCUR, g.buf_logits = B_LOGITS;
}

static std::string shared_dir() {
    const char *e = getenv("LPCS_SHARED");
    std::vector<std::string> c = {e ? e : "", "../shared", "shared"};
    for (auto &d : c)
        if (!d.empty()) {
            FILE *f = fopen((d + "/models/shakespeare-llama.bin").c_str(), "rb");
            if (f) return fclose(f), d;
        }
    return "";
}

static size_t compare(const char *name, const float *got, const float *want, size_t n, size_t min_items) {
    size_t bad = 0, first = (size_t)-1;
    for (size_t i = 0; i < n; i++)
        if (memcmp(&got[i], &want[i], 4)) {
            if (first == (size_t)-1) first = i;
            bad++;
        }
    char d[256];
    if (bad)
        snprintf(d, sizeof d, "%zu of %zu logits differ; first at %zu: got %.9g want %.9g", bad, n, first,
                 got[first], want[first]);
    else
        snprintf(d, sizeof d, "%zu logits bit-identical", n);
    test_report(name, bad == 0 && n >= min_items, n >= min_items ? d : "too few items compared");
    return bad;
}

/* is v in the comma-separated list l ("1,8")? */
static bool in_list(const char *l, int v) {
    for (const char *p = l; *p;) {
        char *e;
        const long x = strtol(p, &e, 10);
        if (e == p) return false;
        if (x == v) return true;
        p = *e == ',' ? e + 1 : e;
    }
    return false;
}
static double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

/* ---- 7B-shape decode / prefill benchmark (random weights) ---- */
/* cuBLAS on the matmuls of a prefill of T tokens (every layer's 7 matrices
 * and the classifier): fp32 SGEMM with TF32 off (what PyTorch eager runs)
 * and bf16 GEMM with fp32 accumulation (tensor cores), ms per prefill. */
static void cublas_prefill(int T, int D, int H, int L, int V, double *ms_f32, double *ms_bf16) {
    cublasHandle_t h;
    *ms_f32 = *ms_bf16 = -1;
    if (cublasCreate(&h) != CUBLAS_STATUS_SUCCESS) return;
    cublasSetMathMode(h, CUBLAS_DEFAULT_MATH);
    const int shp[8][2] = {{D, D}, {D, D}, {D, D}, {D, D}, {H, D}, {H, D}, {D, H}, {V, D}}; /* rows x cols */
    size_t wmax = (size_t)(H > V ? H : V) * D;
    void *W, *X, *Y;
    cudaMalloc(&W, wmax * 4), cudaMalloc(&X, (size_t)T * (H > D ? H : D) * 4), cudaMalloc(&Y, (size_t)T * wmax / D * 4 + (size_t)T * V * 4);
    cudaMemset(W, 0, wmax * 4), cudaMemset(X, 0, (size_t)T * (H > D ? H : D) * 4);
    cudaEvent_t e0, e1;
    cudaEventCreate(&e0), cudaEventCreate(&e1);
    for (int bf = 0; bf < 2; bf++) {
        std::vector<double> ms;
        for (int rep = 0; rep < 4; rep++) {
            cudaEventRecord(e0);
            const float one = 1.0f, zero = 0.0f;
            for (int l = 0; l < L; l++)
                for (int q = 0; q < (l == L - 1 ? 8 : 7); q++) { /* Y[T][rows] = X[T][cols] W^T */
                    int rows = shp[q][0], cols = shp[q][1];
                    if (bf)
                        cublasGemmEx(h, CUBLAS_OP_T, CUBLAS_OP_N, rows, T, cols, &one, W, CUDA_R_16BF, cols, X,
                                     CUDA_R_16BF, cols, &zero, Y, CUDA_R_32F, rows, CUBLAS_COMPUTE_32F,
                                     CUBLAS_GEMM_DEFAULT);
                    else
                        cublasSgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, rows, T, cols, &one, (const float *)W, cols,
                                    (const float *)X, cols, &zero, (float *)Y, rows);
                }
            cudaEventRecord(e1);
            cudaEventSynchronize(e1);
            float t;
            cudaEventElapsedTime(&t, e0, e1);
            if (rep) ms.push_back(t);
        }
        (bf ? *ms_bf16 : *ms_f32) = median(ms);
    }
    cudaFree(W), cudaFree(X), cudaFree(Y);
    cublasDestroy(h);
}

/* Reads n uint4 once (grid-stride), one word per block written: read-only bandwidth. */
__global__ void read_k(const uint4 *__restrict__ p, size_t n, unsigned *sink) {
    unsigned acc = 0;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
        const uint4 v = __ldg(p + i);
        acc ^= v.x ^ v.y ^ v.z ^ v.w;
    }
    for (int o = 16; o; o >>= 1) acc ^= __shfl_xor_sync(0xffffffffu, acc, o);
    if ((threadIdx.x & 31) == 0 && acc == 0x9e3779b9u) sink[blockIdx.x] = acc; /* keeps the loads alive */
}

static void bench7b(FILE *csv, bool bf16_only) {
    struct shape { const char *name; int dim, hidden, layers, heads, kv, vocab; };
    shape s = {"Llama-2-7B", 4096, 11008, 32, 32, 32, 32000};
    char dev[128];
    size_t fr, tot;
    lpcs_cuda_llm_device(dev, sizeof dev, &fr, &tot);
    /* bandwidth, measured honestly: 2 GiB buffers (first touched by a memset), 3 warm-up rounds, then 10
     * timed rounds each of a D2D copy (bytes read + written) and of a read-only kernel (every byte read
     * once, one word per block written); median and best reported */
    size_t nb = (size_t)2 << 30;
    void *a, *b;
    cudaMalloc(&a, nb), cudaMalloc(&b, nb);
    cudaMemset(a, 1, nb), cudaMemset(b, 2, nb);
    unsigned *sink;
    cudaMalloc(&sink, 4096 * sizeof(unsigned));
    cudaEvent_t e0, e1;
    cudaEventCreate(&e0), cudaEventCreate(&e1);
    std::vector<double> bw, bwr;
    for (int i = 0; i < 13; i++) {
        float ms;
        cudaEventRecord(e0);
        cudaMemcpy(b, a, nb, cudaMemcpyDeviceToDevice);
        cudaEventRecord(e1);
        cudaEventSynchronize(e1);
        cudaEventElapsedTime(&ms, e0, e1);
        if (i >= 3) bw.push_back(2.0 * nb / (ms * 1e-3) / 1e9);
        cudaEventRecord(e0);
        read_k<<<132 * 8, 512>>>((const uint4 *)a, nb / 16, sink);
        cudaEventRecord(e1);
        cudaEventSynchronize(e1);
        cudaEventElapsedTime(&ms, e0, e1);
        if (i >= 3) bwr.push_back((double)nb / (ms * 1e-3) / 1e9);
    }
    cudaFree(a), cudaFree(b), cudaFree(sink);
    const double copy_gbs = median(bw), read_gbs = median(bwr);
    printf("bench7b: %s, D2D copy %.0f GB/s (read+write; best %.0f), read-only kernel %.0f GB/s (best %.0f); "
           "2 GiB, median of 10 after 3 warm-up rounds. Roofline = weight bytes per step / read-only bandwidth "
           "(also given vs the copy figure)\n",
           dev, copy_gbs, *std::max_element(bw.begin(), bw.end()), read_gbs, *std::max_element(bwr.begin(), bwr.end()));
    if (csv) fprintf(csv, "bandwidth,copy,,,%.1f,,\nbandwidth,read,,,%.1f,,\n", copy_gbs, read_gbs);
    for (int fmt = 0; fmt < 4; fmt++) { /* 0 bf16, 1 int4 (packed codes), 2 ternary (packed), 3 fp32 */
        if (bf16_only && fmt != 0) continue;
        if (fmt == 3 && getenv("BENCH7B_NO_FP32")) continue;
        const char *only = getenv("BENCH7B_FMT"); /* one format (profiler runs) */
        if (only && strcmp(only, fmt == 0 ? "bf16" : fmt == 1 ? "int4" : fmt == 2 ? "ternary" : "fp32")) continue;
        const bool bf = fmt == 0;
        const int qb = fmt == 1 ? 4 : fmt == 2 ? 2 : 0;
        const char *fname = fmt == 0 ? "bf16" : fmt == 1 ? "int4" : fmt == 2 ? "ternary" : "fp32";
        /* random weights shared by all layers' host arrays (the device gets its own copy per op) */
        const size_t D = s.dim, H = s.hidden, V = s.vocab;
        std::vector<float> big(H * D), emb(V * D), norm(D, 1.0f);
        test_rng r{42};
        for (auto &x : big) x = bf16_round(((int)(r.next() % 2001) - 1000) * 1e-5f);
        for (auto &x : emb) x = bf16_round(((int)(r.next() % 2001) - 1000) * 1e-4f);
        ckpt c;
        c.dim = s.dim, c.hidden = s.hidden, c.layers = s.layers, c.heads = s.heads, c.kv_heads = s.kv, c.vocab = s.vocab;
        std::vector<float> cs;
        const int max_pos = 160, slots = 64;
        rope_table(max_pos, (int)(D / s.heads), cs);
        devmodel d;
        /* every layer points at the same host matrices (shape-true, contents irrelevant for timing) */
        wset w;
        w.emb = emb.data(), w.att_norm = norm.data(), w.ffn_norm = norm.data(), w.fin = norm.data();
        w.wq = w.wk = w.wv = w.wo = w.w1 = w.w2 = w.w3 = big.data();
        c.layers = 1; /* build() offsets by layer: build one layer, then replicate its ops */
        build(d, c, w, cs, slots, max_pos, 128 * 4, bf);
        /* packed plans: random codes and positive row scales for every matmul (the classifier too) */
        std::vector<int8_t> qc;
        std::vector<float> qs;
        if (qb) {
            qc.resize(V * D);
            qs.resize(V);
            for (auto &x : qc) x = (int8_t)(qb == 4 ? (int)(r.next() % 15) - 7 : (int)(r.next() % 3) - 1);
            for (auto &x : qs) x = (float)(1 + r.next() % 1000) * 1e-5f;
            for (auto &o : d.ops)
                if (o.type == LPCS_CUDA_OP_MATMUL) o.w_qbits = qb, o.w_q = qc.data(), o.w_qscale = qs.data(), o.w = NULL;
        }
        std::vector<lpcs_cuda_op> one(d.ops.begin() + 1, d.ops.end() - 2), all;
        all.push_back(d.ops[0]);
        for (int l = 0; l < s.layers; l++)
            for (auto o : one) { o.layer = l; all.push_back(o); }
        all.push_back(d.ops[d.ops.size() - 2]);
        all.push_back(d.ops.back());
        d.cfg.n_layers = s.layers;
        double wbytes = 0, nweights = 0; /* bytes a step must read: codes + row scales for packed plans */
        for (auto &o : all)
            if (o.type == LPCS_CUDA_OP_MATMUL) {
                nweights += (double)o.rows * o.cols;
                wbytes += qb ? (double)o.rows * o.cols * qb / 8 + 4.0 * o.rows : (double)o.rows * o.cols * (bf ? 2 : 4);
            }
        size_t need = lpcs_cuda_llm_bytes(&d.cfg, all.data(), (int)all.size());
        lpcs_cuda_llm *m = NULL;
        char err[400];
        double t0 = test_now();
        int rc = lpcs_cuda_llm_create(&d.cfg, all.data(), (int)all.size(), &m, err, sizeof err);
        printf("bench7b %s: %s weights %.3f GB per step, device memory needed %.2f GiB, upload %.1f s: %s "
               "(%d packed matmuls)\n", s.name, fname, wbytes / 1e9, need / 1073741824.0, test_now() - t0,
               rc ? err : "ok", rc ? 0 : lpcs_cuda_llm_packed(m));
        if (rc) continue;
        lpcs_cuda_llm_set_gemv1(m, 0); /* the copy-ring one-row GEMV; the session-5 kernels are timed beside it */
        if (getenv("BENCH7B_RING")) lpcs_cuda_llm_set_ring(m, atoi(getenv("BENCH7B_RING"))); /* profiler runs */
        /* roofline: the weights read once per step at the read-only bandwidth */
        for (int B : {1, 2, 4, 8, 64}) {
            if (B > 1 && getenv("BENCH7B_B1")) break; /* batch 1 only (profiler runs) */
            if (getenv("BENCH7B_ONLYB") && !in_list(getenv("BENCH7B_ONLYB"), B)) continue; /* some batches ("1,8") */
            std::vector<int> tok(B, 5);
            lpcs_cuda_llm_forward(m, tok.data(), B, 1, 0, 0); /* warm */
            lpcs_cuda_llm_last_ms(m);
            auto steps = [&]() { /* median device ms of decode steps at positions 1..8 */
                std::vector<double> ms;
                for (int p = 1; p <= 8; p++) {
                    lpcs_cuda_llm_forward(m, tok.data(), B, 1, p, 0);
                    ms.push_back(lpcs_cuda_llm_last_ms(m));
                }
                return median(ms);
            };
            double step = steps(), roof = wbytes / (read_gbs * 1e9) * 1e3, roofc = wbytes / (copy_gbs * 1e9) * 1e3;
            if (B == 1) { /* the same steps launched kernel by kernel (no CUDA graph), and without the RMSNorm folding */
                lpcs_cuda_llm_set_graphs(m, 0);
                const double no_graph = steps();
                lpcs_cuda_llm_set_graphs(m, 1);
                lpcs_cuda_llm_set_fuse(m, 0);
                const double no_fold = steps();
                lpcs_cuda_llm_set_fuse(m, 1);
                printf("  decode batch 1 without the CUDA graph: %.3f ms/step; with the graph but no op folded "
                       "(RMSNorm, residual add, q/k/v, w1/w3, RoPE + KV store as separate launches): %.3f (default: %.3f)\n",
                       no_graph, no_fold, step);
                lpcs_cuda_llm_set_matmul(m, 5); /* the one-row GEMV on a persistent grid (no q/k/v, w1/w3 grouping) */
                printf("  decode batch 1, mode 5 (persistent one-row GEMV grid, no grouping): %.3f ms/step\n", steps());
                lpcs_cuda_llm_set_matmul(m, 0);
                lpcs_cuda_llm_set_pdl(m, 1);
                printf("  decode batch 1, copy ring as a programmatic dependent launch: %.3f ms/step\n", steps());
                lpcs_cuda_llm_set_pdl(m, 0);
                for (int rg = 0; rg < 5; rg++) { /* the copy ring's geometries, forced (lpcs_cuda_llm_set_ring) */
                    lpcs_cuda_llm_set_ring(m, rg);
                    printf("  decode batch 1, copy ring geometry %d (%s): %.3f ms/step\n", rg,
                           rg == 0 ? "2 x 6 chunks, past L1 (session 6)" : rg == 1 ? "2 x 6 chunks, through L1" : rg == 2 ? "1 x 4, past L1" : rg == 3 ? "1 x 4, through L1" : "1 x 3, through L1",
                           steps());
                }
                lpcs_cuda_llm_set_ring(m, -1);
                lpcs_cuda_llm_set_gemv1(m, 1); /* the session-5 kernels (weights in flight in registers, one block per row group) */
                printf("  decode batch 1, session-5 one-row kernels (register-staged, one block per row group): "
                       "%.3f ms/step (copy ring: %.3f)\n", steps(), step);
                lpcs_cuda_llm_set_gemv1(m, 0);
                if (qb)
                    for (int qr : {1, 2}) { /* the packed one-row GEMV with 1 / 2 rows per thread forced */
                        lpcs_cuda_llm_set_qrows(m, qr);
                        const double t = steps();
                        lpcs_cuda_llm_set_qrows(m, 0);
                        printf("  decode batch 1, packed GEMV with %d row(s) per thread forced: %.3f ms/step\n", qr, t);
                    }
            }
            if (B == 8) /* rows of x a copy-ring launch takes, capped (more launches, more blocks per SM) */
                for (int cap : {4, 2}) {
                    lpcs_cuda_llm_set_pipe_rows(m, cap);
                    const double t = steps();
                    lpcs_cuda_llm_set_pipe_rows(m, 0);
                    printf("  decode batch 8, at most %d rows of x a copy-ring launch: %.3f ms/step\n", cap, t);
                }
            if (B <= 8) {
                double prof[LPCS_CUDA_OP_COUNT];
                lpcs_cuda_llm_set_profile(m, 1);
                lpcs_cuda_llm_forward(m, tok.data(), B, 1, 9, 0);
                lpcs_cuda_llm_profile(m, prof);
                lpcs_cuda_llm_set_profile(m, 0);
                printf("  decode batch %d per op type (ms, with event overhead): matmul %.2f attention %.2f rmsnorm %.2f "
                       "other %.2f\n", B, prof[LPCS_CUDA_OP_MATMUL], prof[LPCS_CUDA_OP_ATTENTION],
                       prof[LPCS_CUDA_OP_RMSNORM],
                       prof[LPCS_CUDA_OP_EMBED] + prof[LPCS_CUDA_OP_ROPE] + prof[LPCS_CUDA_OP_SWIGLU] + prof[LPCS_CUDA_OP_ADD]);
            }
            printf("  %s decode batch %2d: %.3f ms/step, %.1f tok/s; roofline %.3f ms/step at the read-only bandwidth "
                   "(%.0f%% of it), %.3f at the copy bandwidth (%.0f%%)\n", fname, B, step, B / step * 1e3, roof,
                   roof / step * 100, roofc, roofc / step * 100);
            if (csv) fprintf(csv, "%s,%s,decode,%d,%.4f,%.2f,%.4f\n", s.name, fname, B, step, B / step * 1e3, roof);
        }
        for (int T : {128, 512}) {
            if (fmt != 0 && !getenv("BENCH7B_PREFILL_ALL")) break; /* prefill: bf16 only unless asked */
            std::vector<int> tok(T, 5);
            lpcs_cuda_llm_forward(m, tok.data(), 1, T > max_pos ? max_pos : T, 0, 0);
            int t = T > max_pos ? max_pos : T;
            lpcs_cuda_llm_last_ms(m);
            std::vector<double> ms;
            for (int i = 0; i < 3; i++) {
                lpcs_cuda_llm_forward(m, tok.data(), 1, t, 0, 0);
                ms.push_back(lpcs_cuda_llm_last_ms(m));
            }
            double step = median(ms);
            double flops = 2.0 * nweights * t;
            double cf = -1, cb = -1;
            cublas_prefill(t, (int)D, (int)H, s.layers, (int)V, &cf, &cb);
            printf("  prefill %d tokens: %.1f ms, %.0f tok/s, %.1f TFLOP/s (matmuls); cuBLAS on the same matmuls: "
                   "SGEMM (TF32 off) %.1f ms, bf16 GEMM %.1f ms\n", t, step, t / step * 1e3, flops / (step * 1e-3) / 1e12,
                   cf, cb);
            if (csv) fprintf(csv, "%s,%s,prefill,%d,%.4f,%.2f,\n", s.name, fname, t, step, t / step * 1e3);
            if (T > max_pos) break;
        }
        lpcs_cuda_llm_free(m);
    }
}

int main(int argc, char **argv) {
    bool inject = false, ppl = false, b7 = false, checks = true, b7_bf16 = false;
    const char *csv_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--inject")) inject = true;
        else if (!strcmp(argv[i], "--ppl")) ppl = true;
        else if (!strcmp(argv[i], "--bench7b")) b7 = true;
        else if (!strcmp(argv[i], "--bench7b-bf16")) b7 = b7_bf16 = true; /* bf16 weights only (short runs) */
        else if (!strcmp(argv[i], "--no-checks")) checks = false; /* timings only (profiler runs) */
        else if (!strcmp(argv[i], "--csv") && i + 1 < argc) csv_path = argv[++i];
    }
    char dev[128];
    size_t fr, tot;
    if (lpcs_cuda_llm_device(dev, sizeof dev, &fr, &tot)) {
        printf("SKIP: no CUDA device; the device engine tests did not run\n");
        return 77;
    }
    std::string sh = shared_dir();
    if (sh.empty()) {
        printf("SKIP: shakespeare-llama.bin not found (set LPCS_SHARED)\n");
        return 77;
    }
    printf("device: %s, numerics: %s fmath\n", dev, "golden/fmath.h");
    ckpt c;
    if (!load_ckpt(sh + "/models/shakespeare-llama.bin", c)) {
        test_report("load checkpoint", false, "cannot read shakespeare-llama.bin");
        return 1;
    }
    std::vector<uint8_t> text;
    {
        FILE *f = fopen((sh + "/data/tinyshakespeare.txt").c_str(), "rb");
        if (!f) return test_report("load text", false, "no tinyshakespeare.txt"), 1;
        int ch;
        while ((ch = fgetc(f)) != EOF) text.push_back((uint8_t)ch);
        fclose(f);
    }
    const size_t val0 = 1003854, W = 256;
    const int hs = c.dim / c.heads, V = c.vocab;
    std::vector<float> cs;
    rope_table(c.seq, hs, cs);
    wset w32 = {c.emb, c.att_norm, c.wq, c.wk, c.wv, c.wo, c.ffn_norm, c.w1, c.w2, c.w3, c.fin};
    /* windows of the validation split: tokens and targets */
    size_t nval = text.size() - val0, nw = (nval + W - 1) / W;
    auto window = [&](size_t wi, int *tk, int *tg) {
        size_t st = val0 + wi * W, n = std::min(W, text.size() - st);
        for (size_t i = 0; i < W; i++) {
            tk[i] = i < n ? (i == 0 ? 1 : text[st + i - 1] + 3) : 1;
            tg[i] = i < n ? text[st + i] + 3 : -1;
        }
    };
    if (checks) {
        const int NWIN = 3; /* windows checked against the oracle: 0, 1 and the short last one */
        size_t wins[NWIN] = {0, 1, nw - 1};
        std::vector<int> tk(NWIN * W), tg(NWIN * W);
        for (int s = 0; s < NWIN; s++) window(wins[s], &tk[s * W], &tg[s * W]);
        double t0 = test_now();
        std::vector<float> want((size_t)NWIN * W * V);
        for (int s = 0; s < NWIN; s++) ref_forward(c, w32, cs, &tk[s * W], (int)W, &want[(size_t)s * W * V]);
        printf("oracle: %d windows in %.1f s\n", NWIN, test_now() - t0);

        { /* fp32: GEMM batch, GEMV batch, decode */
            devmodel d;
            build(d, c, w32, cs, NWIN, (int)W, NWIN * (int)W, false);
            std::vector<float> mutated;
            if (inject) { /* the device gets one wrong weight (wq of layer 2, row 7, column 100: +1 ulp) */
                size_t off = (size_t)2 * c.dim * c.dim + 7 * c.dim + 100;
                mutated.assign(c.wq, c.wq + (size_t)c.layers * c.dim * c.dim);
                uint32_t u;
                memcpy(&u, &mutated[off], 4);
                u += 1;
                memcpy(&mutated[off], &u, 4);
                for (auto &o : d.ops)
                    if (o.type == LPCS_CUDA_OP_MATMUL && o.layer == 2 && o.rows == (size_t)c.dim && o.out == B_Q)
                        o.w = mutated.data() + off - 7 * c.dim - 100;
            }
            lpcs_cuda_llm *m;
            char err[400];
            if (lpcs_cuda_llm_create(&d.cfg, d.ops.data(), (int)d.ops.size(), &m, err, sizeof err)) {
                test_report("create", false, err);
                return 1;
            }
            /* one forward of NWIN windows of ws tokens (toks), every logit compared as bits with want_ws */
            auto check_windows = [&](const char *what, const int *toks, int ws, const float *want_ws) {
                std::vector<float> g((size_t)NWIN * ws * V);
                lpcs_cuda_llm_forward(m, toks, NWIN, ws, 0, 0);
                lpcs_cuda_llm_logits(m, 0, NWIN * ws, g.data());
                compare(what, g.data(), want_ws, g.size(), (size_t)NWIN * ws * V);
            };
            for (int mode : {0, 5, 9, 10, 11, 12, 17, 6, 2, 3, 4, 8, 1}) {
                lpcs_cuda_llm_set_matmul(m, mode);
                check_windows(mode == 0   ? "fp32 3 windows, one batch, default kernels (mode 0: half-warp GEMM, attention score buffer in two launches)"
                        : mode == 5 ? "fp32 3 windows, one batch, mode 5 (lane-after-lane GEMM, attention score buffer)"
                        : mode == 6 ? "fp32 3 windows, one batch, mode 6 (attention recomputing its scores)"
                        : mode == 2 ? "fp32 3 windows, one batch, tiled GEMM (lanes per half-warp)"
                        : mode == 3 ? "fp32 3 windows, one batch, tiled GEMM (lane per warp, 32x64)"
                        : mode == 4 ? "fp32 3 windows, one batch, tiled GEMM (lane per warp, 32x32)"
                        : mode == 8 ? "fp32 3 windows, one batch, mode 8 (half-warp GEMM, 8 x 16 outputs per lane group)"
                        : mode == 9 ? "fp32 3 windows, one batch, mode 9 (lane-after-lane GEMM for every matmul, a block walking all columns)"
                        : mode == 10 ? "fp32 3 windows, one batch, mode 10 (lane-after-lane GEMM, 8 rows a thread where it fits)"
                        : mode == 11 ? "fp32 3 windows, one batch, mode 11 (gemm_k's epilogue one float a store, residual and SwiGLU folds)"
                        : mode == 12 ? "fp32 3 windows, one batch, mode 12 (gemm_k's checked form for every tile)"
                        : mode == 17 ? "fp32 3 windows, one batch, mode 17 (gemm_k's session-11 staging stores)"
                                    : "fp32 3 windows, one batch, GEMV kernels",
                        tk.data(), (int)W, want.data());
            }
            lpcs_cuda_llm_set_matmul(m, 0);
            for (int at : {1, 4, 3, 2}) { /* the other many-row attention kernels (lpcs_cuda_llm_set_attn) */
                lpcs_cuda_llm_set_attn(m, at);
                check_windows(at == 1   ? "fp32 3 windows, one batch, mode 0, attention scores in shared memory, one launch"
                        : at == 4 ? "fp32 3 windows, one batch, mode 0, attention scores in shared memory per query block"
                        : at == 2 ? "fp32 3 windows, one batch, mode 0, attention score buffer in one launch"
                                  : "fp32 3 windows, one batch, mode 0, attention recomputing its scores",
                        tk.data(), (int)W, want.data());
            }
            lpcs_cuda_llm_set_attn(m, 0);
            lpcs_cuda_llm_set_fuse(m, 0); /* nothing folded */
            check_windows("fp32 3 windows, one batch, mode 0 without folds", tk.data(), (int)W, want.data());
            lpcs_cuda_llm_set_fuse(m, 3); /* the SwiGLU fold only (float4 stores without the residual epilogue) */
            check_windows("fp32 3 windows, one batch, mode 0 without the residual fold", tk.data(), (int)W, want.data());
            lpcs_cuda_llm_set_fuse(m, 1);
            /* 3 windows of 100 tokens = 300 rows (not a multiple of 32): the default's unchecked launch for rows 0..287
             * with a checked one for the last 12 (every pointer moved), mode 18's checked launch for all, mode 17's
             * staging the same way as the default; 3 of 99 (297 rows, an odd tail of 9) with the default. Causal, so
             * position p's logits are those of the 256-token windows */
            for (const int WS : {100, 99}) {
                std::vector<int> tks((size_t)NWIN * WS);
                std::vector<float> ws((size_t)NWIN * WS * V);
                for (int w = 0; w < NWIN; w++)
                    for (int p = 0; p < WS; p++) {
                        tks[(size_t)w * WS + p] = tk[(size_t)w * W + p];
                        std::copy(&want[((size_t)w * W + p) * V], &want[((size_t)w * W + p) * V] + V,
                                  &ws[((size_t)w * WS + p) * V]);
                    }
                for (int cfg = 0; cfg < (WS == 100 ? 4 : 1); cfg++) { /* default with and without folds, mode 18, 17 */
                    lpcs_cuda_llm_set_matmul(m, cfg == 2 ? 18 : cfg == 3 ? 17 : 0);
                    lpcs_cuda_llm_set_fuse(m, cfg == 1 ? 0 : 1);
                    char what[200];
                    snprintf(what, sizeof what, "fp32 3 windows of %d tokens (%d rows), %s", WS, NWIN * WS,
                             cfg == 0   ? "default (an unchecked GEMM launch for the rows of whole tiles and a checked tail), folds"
                             : cfg == 1 ? "default, no folds"
                             : cfg == 2 ? "mode 18 (every GEMM row checked in one launch)"
                                        : "mode 17 (session 11's staging stores), folds");
                    check_windows(what, tks.data(), WS, ws.data());
                }
                lpcs_cuda_llm_set_matmul(m, 0);
                lpcs_cuda_llm_set_fuse(m, 1);
            }
            /* decode: window 1 token by token in slot 2, window 0 in slot 0, as a batch of 2 rows per step;
             * through the CUDA graph, then launched kernel by kernel */
            lpcs_cuda_llm_set_matmul(m, 0);
            std::vector<float> dec((size_t)2 * W * V), step((size_t)2 * V);
            for (int graphs : {1, 0}) {
                lpcs_cuda_llm_set_graphs(m, graphs);
                std::fill(dec.begin(), dec.end(), 0.0f);
                for (int p = 0; p < (int)W; p++) {
                    int t2[2] = {tk[0 * W + p], tk[1 * W + p]};
                    if (lpcs_cuda_llm_forward(m, t2, 2, 1, p, 0)) break;
                    lpcs_cuda_llm_logits(m, 0, 2, step.data());
                    memcpy(&dec[(size_t)p * V], &step[0], V * 4);
                    memcpy(&dec[(size_t)(W + p) * V], &step[V], V * 4);
                }
                compare(graphs ? "fp32 decode, 2 sequences x 256 steps (GEMV, device KV cache, CUDA graph)"
                               : "fp32 decode, 2 sequences x 256 steps (GEMV, device KV cache, no graph)",
                        dec.data(), want.data(), dec.size(), (size_t)2 * W * V);
            }
            lpcs_cuda_llm_set_graphs(m, 1);
            for (int mode : {7, 0, 8, 9, 10, 11, 12, 13, 14}) { /* one sequence (the one-row GEMV): mode 7 cuts its grid to 2 blocks,
                                            * each walking many row groups; mode 0 folds the RMSNorm, the residual
                                            * add and q / k / v, w1 / w3 into one-row GEMV launches; "8": mode 0
                                            * with the session-5 one-row kernel (lpcs_cuda_llm_set_gemv1) */
                lpcs_cuda_llm_set_matmul(m, mode == 8 ? 0 : mode);
                lpcs_cuda_llm_set_gemv1(m, mode == 8);
                lpcs_cuda_llm_set_pdl(m, mode == 9); /* "9": mode 0, the copy ring as a programmatic dependent launch */
                lpcs_cuda_llm_set_ring(m, mode >= 10 ? mode - 10 : -1); /* "10".."14": mode 0, ring geometry 0..4 forced */
                if (mode >= 10) lpcs_cuda_llm_set_matmul(m, 0);
                std::vector<float> one((size_t)W * V);
                for (int p = 0; p < (int)W; p++) {
                    if (lpcs_cuda_llm_forward(m, &tk[p], 1, 1, p, 0)) break;
                    lpcs_cuda_llm_logits(m, 0, 1, &one[(size_t)p * V]);
                }
                compare(mode == 7   ? "fp32 decode, 1 sequence x 256 steps (one-row copy-ring GEMV, 2 blocks walking all row groups)"
                        : mode == 0 ? "fp32 decode, 1 sequence x 256 steps (one-row copy-ring GEMV; RMSNorm, residual add, q/k/v and w1/w3 folded)"
                        : mode == 9 ? "fp32 decode, 1 sequence x 256 steps (copy-ring GEMV as a programmatic dependent launch, same folds)"
                        : mode == 8 ? "fp32 decode, 1 sequence x 256 steps (session-5 one-row GEMV, same folds)"
                        : mode == 10 ? "fp32 decode, 1 sequence x 256 steps (copy ring geometry 0: 2 x 6 chunks, past L1)"
                        : mode == 11 ? "fp32 decode, 1 sequence x 256 steps (copy ring geometry 1: through L1)"
                        : mode == 12 ? "fp32 decode, 1 sequence x 256 steps (copy ring geometry 2: 1 x 4 chunks)"
                        : mode == 13 ? "fp32 decode, 1 sequence x 256 steps (copy ring geometry 3: 1 x 4, through L1)"
                                     : "fp32 decode, 1 sequence x 256 steps (copy ring geometry 4: 1 x 3, through L1)",
                        one.data(), want.data(), one.size(), (size_t)W * V);
                lpcs_cuda_llm_set_ring(m, -1);
                lpcs_cuda_llm_set_matmul(m, 0);
                lpcs_cuda_llm_set_gemv1(m, 0);
                lpcs_cuda_llm_set_pdl(m, 0);
            }
            /* NLL of window 0 against the oracle's logits through the host formula */
            lpcs_cuda_llm_forward(m, tk.data(), NWIN, (int)W, 0, 0);
            std::vector<double> nll(NWIN * W);
            lpcs_cuda_llm_nll(m, tg.data(), nll.data());
            double dmax = 0;
            for (size_t r = 0; r < NWIN * W; r++) {
                if (tg[r] < 0) continue;
                const float *l = &want[r * V];
                double mx = l[0], sum = 0;
                for (int i = 1; i < V; i++) if (l[i] > mx) mx = l[i];
                for (int i = 0; i < V; i++) sum += exp((double)l[i] - mx);
                double ref = log(sum) + mx - (double)l[tg[r]];
                dmax = std::max(dmax, fabs(ref - nll[r]));
            }
            char dd[128];
            snprintf(dd, sizeof dd, "max |device - host| per-row NLL %.3g (double exp/log of CUDA vs glibc)", dmax);
            test_report("per-row NLL vs host double formula", dmax < 1e-12, dd);
            lpcs_cuda_llm_free(m);
        }
        { /* bf16-stored weights vs the oracle on bf16-rounded fp32 weights */
            std::vector<float> r(c.all.size());
            for (size_t i = 0; i < r.size(); i++) r[i] = bf16_round(c.all[i]);
            ptrdiff_t off = r.data() - c.all.data();
            wset wb = {c.emb + off, c.att_norm + off, c.wq + off, c.wk + off, c.wv + off, c.wo + off, c.ffn_norm + off,
                       c.w1 + off, c.w2 + off, c.w3 + off, c.fin + off};
            /* norms stay fp32 (only matmul weights are bf16 in plan w=bf16) */
            wb.att_norm = c.att_norm, wb.ffn_norm = c.ffn_norm, wb.fin = c.fin;
            std::vector<float> wantb((size_t)W * V), gotb((size_t)W * V);
            ref_forward(c, wb, cs, &tk[W], (int)W, wantb.data());
            devmodel d;
            build(d, c, wb, cs, 2, (int)W, (int)W, true);
            lpcs_cuda_llm *m;
            char err[400];
            if (lpcs_cuda_llm_create(&d.cfg, d.ops.data(), (int)d.ops.size(), &m, err, sizeof err)) {
                test_report("create bf16", false, err);
            } else {
                lpcs_cuda_llm_forward(m, &tk[W], 1, (int)W, 0, 0);
                lpcs_cuda_llm_logits(m, 0, (int)W, gotb.data());
                compare("bf16-stored weights, 1 window", gotb.data(), wantb.data(), gotb.size(), (size_t)W * V);
                for (int fuse : {1, 0, 2, 3, 4}) { /* decode: the one-row bf16 GEMV, RMSNorm folded into it or launched;
                                               * 2: folded, the session-5 one-row kernel */
                    lpcs_cuda_llm_set_fuse(m, fuse != 0);
                    lpcs_cuda_llm_set_gemv1(m, fuse == 2);
                    lpcs_cuda_llm_set_ring(m, fuse == 3 ? 1 : fuse == 4 ? 0 : -1); /* 3 / 4: folded, ring geometry 1 / 0 forced */
                    std::fill(gotb.begin(), gotb.end(), 0.0f);
                    for (int p = 0; p < (int)W; p++) {
                        if (lpcs_cuda_llm_forward(m, &tk[W + p], 1, 1, p, 0)) break;
                        lpcs_cuda_llm_logits(m, 0, 1, &gotb[(size_t)p * V]);
                    }
                    compare(fuse == 1   ? "bf16-stored weights, decode 1 sequence x 256 steps (one-row copy-ring GEMV, RMSNorm folded)"
                            : fuse == 0 ? "bf16-stored weights, decode 1 sequence x 256 steps (one-row copy-ring GEMV, RMSNorm launched)"
                            : fuse == 2 ? "bf16-stored weights, decode 1 sequence x 256 steps (session-5 one-row GEMV, RMSNorm folded)"
                            : fuse == 3 ? "bf16-stored weights, decode 1 sequence x 256 steps (copy ring geometry 1: through L1)"
                                        : "bf16-stored weights, decode 1 sequence x 256 steps (copy ring geometry 0: 2 x 6, past L1)",
                            gotb.data(), wantb.data(), gotb.size(), (size_t)W * V);
                }
                lpcs_cuda_llm_set_gemv1(m, 0);
                lpcs_cuda_llm_set_ring(m, -1);
                { /* decode 2 sequences (windows 0 and 1) at once: the copy ring with 2 rows of x */
                    std::vector<float> want2((size_t)2 * W * V), two((size_t)2 * W * V), step((size_t)2 * V);
                    ref_forward(c, wb, cs, &tk[0], (int)W, want2.data());
                    std::copy(wantb.begin(), wantb.end(), want2.begin() + (size_t)W * V);
                    for (int p = 0; p < (int)W; p++) {
                        int t2[2] = {tk[p], tk[W + p]};
                        if (lpcs_cuda_llm_forward(m, t2, 2, 1, p, 0)) break;
                        lpcs_cuda_llm_logits(m, 0, 2, step.data());
                        memcpy(&two[(size_t)p * V], &step[0], V * 4);
                        memcpy(&two[(size_t)(W + p) * V], &step[V], V * 4);
                    }
                    compare("bf16-stored weights, decode 2 sequences x 256 steps (copy ring, 2 rows of x a launch)",
                            two.data(), want2.data(), two.size(), (size_t)2 * W * V);
                }
                lpcs_cuda_llm_free(m);
            }
        }
    }
    if (checks) { /* packed low-bit weights (plans w=int4 / w=ternary): codes + row scales on the device */
        std::vector<int> tk1(W);
        std::vector<int> tg1(W);
        window(1, tk1.data(), tg1.data());
        for (int qb : {4, 2}) {
            const char *fmt = qb == 4 ? "int4" : "ternary";
            qformat f;
            qformat_parse(fmt, &f);
            /* the oracle's weights: golden qformat's roundtrip (what the cpu backend holds); the device's codes
             * and scales: golden's quantizers, scale = the value of code 1 (ternary: 1 / (1 / beta)) */
            std::vector<float> deq(c.all), sc(c.all.size());
            std::vector<int8_t> codes(c.all.size());
            const size_t D = c.dim, H = c.hidden, L = c.layers, KV = D * c.kv_heads / c.heads;
            struct mat { const float *p; size_t rows, cols; } mats[7] = {
                {c.wq, L * D, D}, {c.wk, L * KV, D}, {c.wv, L * KV, D}, {c.wo, L * D, D},
                {c.w1, L * H, D}, {c.w2, L * D, H}, {c.w3, L * H, D}};
            for (auto &mt : mats) {
                const size_t off = (size_t)(mt.p - c.all.data());
                qformat_roundtrip(&f, mt.p, &deq[off], mt.rows * mt.cols, mt.cols);
                for (size_t r = 0; r < mt.rows; r++) {
                    const float *src = mt.p + r * mt.cols;
                    int8_t *q = &codes[off + r * mt.cols];
                    float scale;
                    if (qb == 4) {
                        scale = intq_scale_for_absmax(4, intq_absmax(src, mt.cols));
                        for (size_t k = 0; k < mt.cols; k++) q[k] = intq_quantize_one(4, src[k], scale);
                    } else {
                        float beta = 0;
                        ternary_absmean_quantize(src, mt.cols, q, &beta);
                        scale = 1.0f / (1.0f / beta);
                    }
                    sc[off + r] = scale; /* the block's global row r (layer l's rows start at l * rows per layer) */
                }
            }
            ptrdiff_t off = deq.data() - c.all.data();
            wset wq = {c.emb, c.att_norm, c.wq + off, c.wk + off, c.wv + off, c.wo + off, c.ffn_norm, c.w1 + off,
                       c.w2 + off, c.w3 + off, c.fin};
            std::vector<float> wantq((size_t)W * V), gotq((size_t)W * V);
            ref_forward(c, wq, cs, tk1.data(), (int)W, wantq.data());
            if (inject) { /* the device gets one wrong code (wq of layer 2, row 7, column 100: one step) */
                size_t at = (size_t)(c.wq - c.all.data()) + (size_t)2 * D * D + 7 * D + 100;
                codes[at] = (int8_t)(codes[at] > 0 ? codes[at] - 1 : codes[at] + 1);
            }
            devmodel d;
            build(d, c, wq, cs, 6, (int)W, (int)W, false);
            int np = 0;
            for (auto &o : d.ops)
                if (o.type == LPCS_CUDA_OP_MATMUL && o.out != B_LOGITS) {
                    const size_t at = (size_t)(o.w - deq.data()); /* element offset of this layer's matrix */
                    for (auto &mt : mats) { /* its scales: the block's rows from (at - off) / cols on */
                        const size_t off0 = (size_t)(mt.p - c.all.data());
                        if (at >= off0 && at < off0 + mt.rows * mt.cols) o.w_qscale = &sc[off0 + (at - off0) / mt.cols];
                    }
                    o.w_qbits = qb, o.w_q = &codes[at], o.w = NULL;
                    np++;
                }
            lpcs_cuda_llm *m;
            char err[400], name[160];
            if (lpcs_cuda_llm_create(&d.cfg, d.ops.data(), (int)d.ops.size(), &m, err, sizeof err)) {
                test_report("create packed", false, err);
                continue;
            }
            snprintf(name, sizeof name, "%s: %d of %d packed matmuls on the device", fmt, lpcs_cuda_llm_packed(m), np);
            test_report(name, np == 7 * c.layers && lpcs_cuda_llm_packed(m) == np, "codes + row scales");
            lpcs_cuda_llm_forward(m, tk1.data(), 1, (int)W, 0, 0);
            lpcs_cuda_llm_logits(m, 0, (int)W, gotq.data());
            snprintf(name, sizeof name, "%s packed weights, 1 window in one batch (decoded matrix, GEMM)", fmt);
            compare(name, gotq.data(), wantq.data(), gotq.size(), (size_t)W * V);
            for (int cfgi = 0; cfgi < 12; cfgi++) { /* decode: graph + folded ops (copy-ring GEMV); launches, not
                                                    * folded (session-5 kernel, 1 row per thread); GEMV mode 1;
                                                    * session-5 kernel with 2 rows per thread; copy ring on a grid
                                                    * of 2 blocks; session-5 kernel, automatic rows; copy ring,
                                                    * launches, not folded */
                lpcs_cuda_llm_set_graphs(m, cfgi != 1 && cfgi != 6);
                lpcs_cuda_llm_set_fuse(m, cfgi != 1 && cfgi != 6);
                lpcs_cuda_llm_set_matmul(m, cfgi == 2 ? 1 : cfgi == 4 ? 7 : 0);
                lpcs_cuda_llm_set_qrows(m, cfgi == 3 ? 2 : cfgi == 1 ? 1 : 0);
                lpcs_cuda_llm_set_gemv1(m, cfgi == 5);
                lpcs_cuda_llm_set_pdl(m, cfgi == 7); /* 7: copy ring as a programmatic dependent launch, graph + folds */
                lpcs_cuda_llm_set_ring(m, cfgi >= 8 ? cfgi - 8 : -1); /* 8..11: graph + folds, ring geometry 0..3 forced */
                std::fill(gotq.begin(), gotq.end(), 0.0f);
                for (int p = 0; p < (int)W; p++) {
                    if (lpcs_cuda_llm_forward(m, &tk1[p], 1, 1, p, 0)) break;
                    lpcs_cuda_llm_logits(m, 0, 1, &gotq[(size_t)p * V]);
                }
                snprintf(name, sizeof name, "%s packed weights, decode 1 sequence x 256 steps (one-row packed GEMV, %s)",
                         fmt, cfgi == 0 ? "copy ring, CUDA graph, RMSNorm / add / q,k,v / w1,w3 folded" : cfgi == 1 ? "session-5 kernel, no graph, nothing folded, 1 row per thread" : cfgi == 2 ? "copy ring, GEMV mode 1" : cfgi == 3 ? "session-5 kernel, 2 rows per thread" : cfgi == 4 ? "copy ring on 2 blocks walking all row groups" : cfgi == 5 ? "session-5 kernel, automatic rows per thread" : cfgi == 6 ? "copy ring, no graph, nothing folded" : cfgi == 7 ? "copy ring as a programmatic dependent launch, CUDA graph, all folds" : cfgi == 8 ? "copy ring geometry 0 (2 x 6, past L1), graph + folds" : cfgi == 9 ? "copy ring geometry 1 (2 x 6, through L1), graph + folds" : cfgi == 10 ? "copy ring geometry 2 (1 x 4, past L1), graph + folds" : "copy ring geometry 3 (1 x 4, through L1), graph + folds");
                compare(name, gotq.data(), wantq.data(), gotq.size(), (size_t)W * V);
            }
            lpcs_cuda_llm_set_ring(m, -1);
            lpcs_cuda_llm_set_pdl(m, 0);
            lpcs_cuda_llm_set_gemv1(m, 0);
            lpcs_cuda_llm_set_qrows(m, 0);
            lpcs_cuda_llm_set_matmul(m, 0);
            lpcs_cuda_llm_set_fuse(m, 1);
            lpcs_cuda_llm_set_graphs(m, 1);
            { /* several sequences at once (windows 1, 2, 3; then 1, 2, 3, 1, 2, 3): the copy ring with 3 / 6 rows
               * of x a launch (the 4- and 8-row kernels, partly filled), codes decoded once for all rows */
                std::vector<int> tkn(3 * W), tgn(3 * W);
                for (int s = 0; s < 3; s++) window((size_t)s + 1, &tkn[s * W], &tgn[s * W]);
                std::vector<float> wantn((size_t)3 * W * V);
                std::copy(wantq.begin(), wantq.end(), wantn.begin());
                for (int s = 1; s < 3; s++) ref_forward(c, wq, cs, &tkn[s * W], (int)W, &wantn[(size_t)s * W * V]);
                for (int ns : {3, 6, -6}) { /* -6: 6 sequences, at most 4 rows a launch (launches of 4 + 2 rows) */
                    const int cap = ns < 0 ? 4 : 0;
                    ns = ns < 0 ? -ns : ns;
                    lpcs_cuda_llm_set_pipe_rows(m, cap);
                    std::vector<float> got((size_t)ns * W * V), step((size_t)ns * V), want((size_t)ns * W * V);
                    for (int s = 0; s < ns; s++)
                        std::copy(wantn.begin() + (size_t)(s % 3) * W * V, wantn.begin() + (size_t)(s % 3 + 1) * W * V,
                                  want.begin() + (size_t)s * W * V);
                    for (int p = 0; p < (int)W; p++) {
                        int tn[6];
                        for (int s = 0; s < ns; s++) tn[s] = tkn[(s % 3) * W + p];
                        if (lpcs_cuda_llm_forward(m, tn, ns, 1, p, 0)) break;
                        lpcs_cuda_llm_logits(m, 0, ns, step.data());
                        for (int s = 0; s < ns; s++) memcpy(&got[((size_t)s * W + p) * V], &step[(size_t)s * V], V * 4);
                    }
                    lpcs_cuda_llm_set_pipe_rows(m, 0);
                    snprintf(name, sizeof name, "%s packed weights, decode %d sequences x 256 steps (copy ring, %d rows "
                             "of x a launch)", fmt, ns, cap ? cap : ns);
                    compare(name, got.data(), want.data(), got.size(), (size_t)ns * W * V);
                }
            }
            lpcs_cuda_llm_free(m);
        }
    }
    if (ppl) { /* the full validation split, all windows in one forward, timed */
        devmodel d;
        build(d, c, w32, cs, (int)nw, (int)W, (int)(nw * W), false);
        lpcs_cuda_llm *m;
        char err[400];
        if (lpcs_cuda_llm_create(&d.cfg, d.ops.data(), (int)d.ops.size(), &m, err, sizeof err)) {
            test_report("create ppl", false, err);
        } else {
            std::vector<int> atk(nw * W), atg(nw * W);
            for (size_t s = 0; s < nw; s++) window(s, &atk[s * W], &atg[s * W]);
          /* the default kernels (attention score buffer), mode 0 with the other attention kernels, without folds,
           * the other GEMMs */
          struct ppl_variant { int mode, attn, fuse; const char *label; };
          static const ppl_variant variants[] = {
              {0, 0, 1, "mode 0: default kernels"},
              {0, 2, 1, "mode 0, attention score buffer in one launch"},
              {0, 1, 1, "mode 0, attention in one launch"},
              {0, 4, 1, "mode 0, attention scores in shared memory per query block"},
              {0, 3, 1, "mode 0, attention recomputing its scores"},
              {0, 0, 0, "mode 0, no folds"},
              {0, 0, 3, "mode 0, no residual fold into gemm_k"},
              {0, 0, 5, "mode 0, no SwiGLU fold into gemm_k"},
              {0, 0, 7, "mode 0, neither many-row fold (the decode folds on)"},
              {8, 0, 1, "mode 8: half-warp GEMM with 8 x 16 sub-tiles"},
              {5, 0, 1, "mode 5: lane-after-lane GEMM, attention score buffer"},
              {9, 0, 1, "mode 9: lane-after-lane GEMM for every matmul, a block walking all columns"},
              {10, 0, 1, "mode 10: lane-after-lane GEMM, 8 rows a thread where it fits"},
              {2, 0, 1, "mode 2: GEMM lanes per half-warp"},
              {11, 0, 1, "mode 11: gemm_k's epilogue one float a store (session 10)"},
              {12, 0, 1, "mode 12: gemm_k's checked form for every tile (call 3's default)"},
              {13, 0, 1, "mode 13: gemm_k's unchecked form without a folded epilogue only"},
              {17, 0, 1, "mode 17: gemm_k's session-11 staging stores (session 11's default)"},
              {11, 0, 3, "mode 11 without the residual fold (session 11's first default)"},
          };
          for (const ppl_variant &pv : variants) {
            lpcs_cuda_llm_set_matmul(m, pv.mode);
            lpcs_cuda_llm_set_attn(m, pv.attn);
            lpcs_cuda_llm_set_fuse(m, pv.fuse);
            std::vector<double> nll(nw * W), ms, ms_nll;
            double sum = 0;
            for (int rep = 0; rep < 6; rep++) {
                double t = test_now();
                lpcs_cuda_llm_forward(m, atk.data(), (int)nw, (int)W, 0, 0);
                double fwd = lpcs_cuda_llm_last_ms(m);
                lpcs_cuda_llm_nll(m, atg.data(), nll.data());
                if (rep) ms.push_back(fwd), ms_nll.push_back((test_now() - t) * 1e3);
            }
            size_t bytes = 0;
            for (size_t s = 0; s < nw; s++) {
                double ws = 0;
                for (size_t i = 0; i < W; i++)
                    if (atg[s * W + i] >= 0) ws += nll[s * W + i], bytes++;
                sum += ws;
            }
            printf("ppl llama fp32 (%s): %zu windows in one batch: forward %.2f ms (median of 5), forward+NLL+copy %.2f ms; "
                   "nll=%.10f bytes=%zu\n", pv.label, nw, median(ms), median(ms_nll),
                   sum / bytes, bytes);
            double prof[LPCS_CUDA_OP_COUNT];
            lpcs_cuda_llm_set_profile(m, 1);
            lpcs_cuda_llm_forward(m, atk.data(), (int)nw, (int)W, 0, 0);
            lpcs_cuda_llm_profile(m, prof);
            lpcs_cuda_llm_set_profile(m, 0);
            const char *names[] = {"embed", "rmsnorm", "matmul", "rope", "attention", "swiglu", "add"};
            printf("  per op type (ms):");
            for (int t = 0; t < 7; t++) printf(" %s %.2f", names[t], prof[t]);
            printf("\n");
          }
            lpcs_cuda_llm_free(m);
        }
    }
    if (b7) {
        FILE *f = csv_path ? fopen(csv_path, "w") : NULL;
        if (f) fprintf(f, "model,weights,phase,batch_or_tokens,ms,tok_per_s,roofline_ms\n");
        bench7b(f, b7_bf16);
        if (f) fclose(f);
    }
    printf("cuda llm tests: %d passed, %d failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}
