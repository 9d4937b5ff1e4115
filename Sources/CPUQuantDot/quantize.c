#include <math.h>
#include "quant_internal.h"

#pragma STDC FP_CONTRACT OFF

// llama.cpp's x86 quantize_row_q8_1 / quantize_row_q8_0 (the AVX2 code its CPU path runs on every x86 machine with
// AVX2, where the goldens were made): d = amax/127, id = 127/amax, q = round-half-to-even(x·id) (_mm256_round_ps
// with _MM_ROUND_NEAREST), s = d·Σq. Its portable quantize_row_q8_1_ref differs (id = 1/d, ties away from zero):
// following that one rounded 2 of the 576 inputs of block 0's Q/K/V differently on the default model, and the block's
// attention output was 1e-3 (relative) away from llama.cpp's; with this one the residual stream agrees to 2e-7
// through block 5. One plain C version for every CPU, so the quantized activations never depend on the variant.
void veer_q8_quantize_rows(const float *x, int rows, int k, int8_t *q, float *d, float *s) {
    const int blocks = k / 32;
    for (int r = 0; r < rows; r++) {
        for (int b = 0; b < blocks; b++) {
            const float *xb = x + (size_t)r * k + 32 * b;
            int8_t *qb = q + (size_t)r * k + 32 * b;
            float amax = 0.0f;
            for (int i = 0; i < 32; i++) {
                const float a = fabsf(xb[i]);
                amax = a > amax ? a : amax;
            }
            const float scale = amax / 127.0f;
            const float inverse = amax != 0.0f ? 127.0f / amax : 0.0f;
            int sum = 0;
            for (int i = 0; i < 32; i++) {
                const float scaled = xb[i] * inverse;
                const int v = (int)nearbyintf(scaled);   // the default rounding mode: to nearest, ties to even
                qb[i] = (int8_t)v;
                sum += v;
            }
            const float blockSum = (float)sum * scale;
            d[(size_t)r * blocks + b] = veer_half_to_float(veer_float_to_half(scale));
            s[(size_t)r * blocks + b] = veer_half_to_float(veer_float_to_half(blockSum));
        }
    }
}
