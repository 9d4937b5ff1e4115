#include <math.h>
#include "quant_internal.h"

#pragma STDC FP_CONTRACT OFF

// llama.cpp's quantize_row_q8_1_ref: d = amax/127, id = 1/d, q = roundf(x·id) (ties away from zero), s = d·Σq.
// One plain C version for every CPU, so the quantized activations never depend on the variant.
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
            const float inverse = scale != 0.0f ? 1.0f / scale : 0.0f;
            int sum = 0;
            for (int i = 0; i < 32; i++) {
                const float scaled = xb[i] * inverse;
                const int v = (int)roundf(scaled);
                qb[i] = (int8_t)v;
                sum += v;
            }
            const float blockSum = (float)sum * scale;
            d[(size_t)r * blocks + b] = veer_half_to_float(veer_float_to_half(scale));
            s[(size_t)r * blocks + b] = veer_half_to_float(veer_float_to_half(blockSum));
        }
    }
}
