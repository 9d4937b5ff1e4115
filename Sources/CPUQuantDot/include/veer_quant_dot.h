// Integer dot products of quantized weights with 8-bit-quantized activations (Veer's `--precision q8`), the
// arithmetic llama.cpp's CPU path uses: activations are rounded per block of 32 to {d, s = d·Σq, int8 q[32]}
// (d = amax/127 held as f16, s as f16), each block's products are summed in integers, and the sums are scaled in f32.
//
// Every variant (scalar C, AVX2, AVX-512 VNNI) computes each output in one fixed order that depends on k only:
// the 32 products of a block are summed in 8 integer lanes of 4 consecutive elements (exact); lane l of block b goes
// into f32 accumulator lane l of set b % 2 as fma(d_w·d_x, lane sum, acc); the two sets are added lane by lane, the
// 8 lanes reduced as (0+4, 1+5, 2+6, 3+7), then (0+2, 1+3), then 0+1; q4_1 adds Σ_b fma(m_w, s_x) taken in block
// order. So all variants give the same bits, for any row count and thread count.
#ifndef VEER_QUANT_DOT_H
#define VEER_QUANT_DOT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Weight formats, with GGML's type ids.
typedef enum {
    VEER_QWEIGHT_Q4_0 = 2,
    VEER_QWEIGHT_Q4_1 = 3,
    VEER_QWEIGHT_Q5_0 = 6,
    VEER_QWEIGHT_Q8_0 = 8,
} veer_qweight_type;

/// Implementations; `veer_q8_active_variant` is the one `veer_q8_matmul` runs.
typedef enum {
    VEER_Q8_SCALAR = 0,
    VEER_Q8_AVX2 = 1,
    VEER_Q8_AVX512_VNNI = 2,
} veer_q8_variant;

/// Quantizes `rows` rows of x [rows, k] (k a multiple of 32) to q [rows, k] int8, d [rows, k/32] and
/// s [rows, k/32]: per block d = amax/127, q = x · (127/amax) rounded to nearest, ties to even (0 when amax = 0), s = d·Σq; d and s are rounded to
/// f16 and stored as their f32 values.
void veer_q8_quantize_rows(const float *x, int rows, int k, int8_t *q, float *d, float *s);

/// y[r · yStride + j] = weight row j · quantized x row r, for j in [firstColumn, endColumn) and r in [0, rows).
/// weights: [n, rowBytes] in `type`; q, d, s as written by `veer_q8_quantize_rows` for the same k.
void veer_q8_matmul(veer_qweight_type type, const void *weights, size_t rowBytes, int k, int firstColumn,
                    int endColumn, int rows, const int8_t *q, const float *d, const float *s, float *y,
                    size_t yStride);

/// As `veer_q8_matmul` with a named variant (tests compare them); the variant must be available.
void veer_q8_matmul_variant(veer_q8_variant variant, veer_qweight_type type, const void *weights, size_t rowBytes,
                            int k, int firstColumn, int endColumn, int rows, const int8_t *q, const float *d,
                            const float *s, float *y, size_t yStride);

/// Whether this CPU can run `variant`.
int veer_q8_variant_available(veer_q8_variant variant);
/// The fastest available variant, chosen once from the CPU's features.
veer_q8_variant veer_q8_active_variant(void);
/// "scalar", "avx2" or "avx512-vnni".
const char *veer_q8_variant_name(veer_q8_variant variant);

#ifdef __cplusplus
}
#endif

#endif
