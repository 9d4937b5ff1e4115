#include <math.h>
#include "quant_internal.h"

#pragma STDC FP_CONTRACT OFF

// The portable variant, and the definition of the order every other variant reproduces (see the header).
static float dot_row(veer_qweight_type type, const uint8_t *row, int blocks, const int8_t *q, const float *d,
                     const float *s) {
    const int blockBytes = veer_block_bytes(type);
    float acc[2][8] = {{0}};
    float offsets = 0.0f;
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = row + (size_t)b * blockBytes;
        const float dw = veer_half_to_float(veer_load_u16(block));
        int w[32];
        switch (type) {
        case VEER_QWEIGHT_Q4_0:
            for (int j = 0; j < 16; j++) { w[j] = (block[2 + j] & 15) - 8; w[j + 16] = (block[2 + j] >> 4) - 8; }
            break;
        case VEER_QWEIGHT_Q4_1:
            for (int j = 0; j < 16; j++) { w[j] = block[4 + j] & 15; w[j + 16] = block[4 + j] >> 4; }
            break;
        case VEER_QWEIGHT_Q5_0: {
            uint32_t qh;
            memcpy(&qh, block + 2, 4);
            for (int j = 0; j < 16; j++) {
                w[j] = ((block[6 + j] & 15) | (int)((qh >> j) & 1) << 4) - 16;
                w[j + 16] = ((block[6 + j] >> 4) | (int)((qh >> (j + 16)) & 1) << 4) - 16;
            }
            break;
        }
        case VEER_QWEIGHT_Q8_0:
            for (int j = 0; j < 32; j++) w[j] = (int8_t)block[2 + j];
            break;
        }
        const int8_t *xq = q + 32 * b;
        const float scale = dw * d[b];
        float *lanes = acc[b & 1];
        for (int l = 0; l < 8; l++) {
            int sum = 0;
            for (int i = 4 * l; i < 4 * l + 4; i++) sum += w[i] * xq[i];
            lanes[l] = fmaf(scale, (float)sum, lanes[l]);
        }
        if (type == VEER_QWEIGHT_Q4_1) offsets = fmaf(veer_half_to_float(veer_load_u16(block + 2)), s[b], offsets);
    }
    float t[8], u[4], v[2];
    for (int l = 0; l < 8; l++) t[l] = acc[0][l] + acc[1][l];
    for (int l = 0; l < 4; l++) u[l] = t[l] + t[l + 4];
    for (int l = 0; l < 2; l++) v[l] = u[l] + u[l + 2];
    const float total = v[0] + v[1];
    return type == VEER_QWEIGHT_Q4_1 ? total + offsets : total;
}

void veer_q8_matmul_scalar(veer_qweight_type type, const void *weights, size_t rowBytes, int k, int firstColumn,
                           int endColumn, int rows, const int8_t *q, const float *d, const float *s, float *y,
                           size_t yStride) {
    const int blocks = k / 32;
    for (int j = firstColumn; j < endColumn; j++) {
        const uint8_t *row = (const uint8_t *)weights + (size_t)j * rowBytes;
        for (int r = 0; r < rows; r++) {
            y[(size_t)r * yStride + j] = dot_row(type, row, blocks, q + (size_t)r * k, d + (size_t)r * blocks,
                                                 s + (size_t)r * blocks);
        }
    }
}
