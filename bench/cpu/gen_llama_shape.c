/* Writes a random-weight llama2.c (v0) checkpoint of given layer shapes, for
 * benchmarks at real model sizes (default: Llama-2-7B layers, dim 4096,
 * hidden 11008, 32 heads, with the 259-token byte vocabulary of
 * ../shared/models/tok-bytes.bin so that every tool can tokenize it).
 *   gen_llama_shape OUT.bin [LAYERS [DIM HIDDEN HEADS KV_HEADS VOCAB SEQ]]
 * Weights: uniform in [-a, a] with a = sqrt(3 / fan_in) / 4 (a small-scale
 * Xavier-like init: finite, non-trivial activations); norms 1; the three
 * special tokens' embeddings tiny (never the greedy choice). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng = 0x243f6a8885a308d3ull;
static float urand(void) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (float)(rng >> 40) / 16777216.0f * 2.0f - 1.0f;
}

static int put(FILE *f, size_t n, float scale) {
    float buf[4096];
    while (n) {
        size_t k = n < 4096 ? n : 4096;
        for (size_t i = 0; i < k; i++) buf[i] = scale < 0 ? 1.0f : urand() * scale;
        if (fwrite(buf, sizeof(float), k, f) != k) return 1;
        n -= k;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s OUT.bin [LAYERS [DIM HIDDEN HEADS KV_HEADS VOCAB SEQ]]\n", argv[0]);
        return 2;
    }
    int32_t h[7] = {4096, 11008, argc > 2 ? atoi(argv[2]) : 1, 32, 32, 259, 256};
    for (int i = 0; i < 7 && argc > 3 + i; i++)
        if (i != 2) h[i] = atoi(argv[3 + (i < 2 ? i : i - 1)]);
    if (argc > 3 && argc != 9) {
        fprintf(stderr, "give all of DIM HIDDEN HEADS KV_HEADS VOCAB SEQ\n");
        return 2;
    }
    size_t D = (size_t)h[0], H = (size_t)h[1], L = (size_t)h[2], KV = D * (size_t)h[4] / (size_t)h[3],
           V = (size_t)h[5], S = (size_t)h[6], hs = D / (size_t)h[3];
    if (L < 1 || D % (size_t)h[3] || hs % 2) return 2;
    FILE *f = fopen(argv[1], "wb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    float aD = sqrtf(3.0f / (float)D) / 4.0f, aH = sqrtf(3.0f / (float)H) / 4.0f;
    int bad = fwrite(h, sizeof h, 1, f) != 1;
    /* embedding (= classifier): the rows of <unk> <s> </s> scaled down so that
     * greedy decoding never picks them (run.c stops at <s>) */
    bad |= put(f, 3 * D, 0.5e-3f) | put(f, (V - 3) * D, 0.5f);
    bad |= put(f, L * D, -1);                                     /* attn norms */
    bad |= put(f, L * D * D, aD) | put(f, L * KV * D, aD) | put(f, L * KV * D, aD) | put(f, L * D * D, aD);
    bad |= put(f, L * D, -1);                                     /* ffn norms */
    bad |= put(f, L * H * D, aD) | put(f, L * D * H, aH) | put(f, L * H * D, aD); /* w1 w2 w3 */
    bad |= put(f, D, -1);                                         /* final norm */
    bad |= put(f, S * hs, 0.0f);
    bad |= fclose(f) != 0;
    if (bad) {
        fprintf(stderr, "%s: write failed\n", argv[1]);
        return 1;
    }
    printf("%s: dim %zu hidden %zu layers %zu heads %d kv_heads %d vocab %zu seq %zu\n", argv[1], D, H, L, h[3], h[4], V, S);
    return 0;
}
