// Shared by the variants: IEEE half conversions (bit exact, no F16C needed) and the kernel signature.
#ifndef VEER_QUANT_INTERNAL_H
#define VEER_QUANT_INTERNAL_H

#include <stdint.h>
#include <string.h>
#include "veer_quant_dot.h"

static inline uint32_t veer_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float veer_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

/// f16 bits to f32 (exact; subnormals, infinities and NaN included).
static inline float veer_half_to_float(uint16_t h) {
    const uint32_t w = (uint32_t)h << 16;
    const uint32_t sign = w & 0x80000000u;
    const uint32_t two_w = w + w;
    const float normalized = veer_float((two_w >> 4) + (0xE0u << 23)) * 0x1.0p-112f;
    const float denormalized = veer_float((two_w >> 17) | (126u << 23)) - 0.5f;
    const uint32_t result = sign | (two_w < (1u << 27) ? veer_bits(denormalized) : veer_bits(normalized));
    return veer_float(result);
}

/// f32 to the nearest f16 (ties to even), as bits.
static inline uint16_t veer_float_to_half(float f) {
    float base = (__builtin_fabsf(f) * 0x1.0p+112f) * 0x1.0p-110f;
    const uint32_t w = veer_bits(f);
    const uint32_t shl1_w = w + w;
    const uint32_t sign = w & 0x80000000u;
    uint32_t bias = shl1_w & 0xFF000000u;
    if (bias < 0x71000000u) bias = 0x71000000u;
    base = veer_float((bias >> 1) + 0x07800000u) + base;
    const uint32_t bits = veer_bits(base);
    const uint32_t exp_bits = (bits >> 13) & 0x00007C00u;
    const uint32_t mantissa_bits = bits & 0x00000FFFu;
    const uint32_t nonsign = exp_bits + mantissa_bits;
    return (uint16_t)((sign >> 16) | (shl1_w > 0xFF000000u ? 0x7E00u : nonsign));
}

static inline uint16_t veer_load_u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/// Bytes per block of 32 weights.
static inline int veer_block_bytes(veer_qweight_type type) {
    switch (type) {
    case VEER_QWEIGHT_Q4_0: return 18;
    case VEER_QWEIGHT_Q4_1: return 20;
    case VEER_QWEIGHT_Q5_0: return 22;
    case VEER_QWEIGHT_Q8_0: return 34;
    }
    return 0;
}

typedef void (*veer_q8_kernel)(veer_qweight_type type, const void *weights, size_t rowBytes, int k, int firstColumn,
                               int endColumn, int rows, const int8_t *q, const float *d, const float *s, float *y,
                               size_t yStride);

void veer_q8_matmul_scalar(veer_qweight_type, const void *, size_t, int, int, int, int, const int8_t *,
                           const float *, const float *, float *, size_t);
void veer_q8_matmul_avx2(veer_qweight_type, const void *, size_t, int, int, int, int, const int8_t *,
                         const float *, const float *, float *, size_t);
void veer_q8_matmul_avx512vnni(veer_qweight_type, const void *, size_t, int, int, int, int, const int8_t *,
                               const float *, const float *, float *, size_t);

#endif
