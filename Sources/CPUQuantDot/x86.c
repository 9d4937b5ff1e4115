// The x86 variants: AVX2 (maddubs + madd) and AVX-512 VNNI (vpdpbusd on 256-bit vectors; Zen 4 splits 512-bit
// operations in two anyway). Both sum each block in 8 int32 lanes of 4 consecutive products, exactly as the scalar
// variant, and scale and reduce in its order, so the three agree bit for bit.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <math.h>
#include "quant_internal.h"

#pragma STDC FP_CONTRACT OFF

#define VEER_AVX2_TARGET __attribute__((target("avx2,fma,f16c")))
#define VEER_VNNI_TARGET __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")))

// One variant's kernel. LANE_SUMS(w, x) -> __m256i: per lane l, Σ_{i=4l}^{4l+3} w[i]·x[i] with w unsigned bytes
// (at most 128) and x signed bytes (never -128: quantized activations lie in [-127, 127]).
#define VEER_DEFINE_KERNEL(NAME, TARGET, LANE_SUMS)                                                                   \
    /* The 32 bits of a q5_0 block's qh as bytes: 16 where bit j is set, else 0 (byte j). Byte j takes byte j / 8 \
       of qh, then all bits but j % 8 are forced on, so it is all ones exactly when bit j % 8 was set. */          \
    TARGET static inline __attribute__((always_inline)) __m256i NAME##_fifth_bits(const uint8_t *qh) {                \
        uint32_t bits;                                                                                                \
        memcpy(&bits, qh, 4);                                                                                         \
        const __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits),                                    \
            _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0x0000000000000000));        \
        const __m256i set = _mm256_cmpeq_epi8(_mm256_or_si256(spread, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe)),       \
                                              _mm256_set1_epi64x(-1));                                                \
        return _mm256_and_si256(set, _mm256_set1_epi8(16));                                                           \
    }                                                                                                                 \
                                                                                                                      \
    TARGET static inline __attribute__((always_inline)) __m256i NAME##_block_sums(veer_qweight_type type, const uint8_t *block, __m256i x) {          \
        const __m128i low4 = _mm_set1_epi8(15);                                                                       \
        if (type == VEER_QWEIGHT_Q4_1) {                                                                              \
            const __m128i raw = _mm_loadu_si128((const __m128i *)(block + 4));                                      \
            const __m256i w = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(raw, 4), low4), _mm_and_si128(raw, low4)); \
            return LANE_SUMS(w, x);                                                                                   \
        }                                                                                                             \
        __m256i w;                                                                                                    \
        if (type == VEER_QWEIGHT_Q5_0) {                                                                              \
            /* q4_0's nibbles at block + 6, each byte's bit 4 from qh (bit j: weight j), then - 16. */               \
            const __m128i raw = _mm_loadu_si128((const __m128i *)(block + 6));                                      \
            const __m256i low = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(raw, 4), low4), _mm_and_si128(raw, low4)); \
            w = _mm256_sub_epi8(_mm256_or_si256(low, NAME##_fifth_bits(block + 2)), _mm256_set1_epi8(16));          \
        } else if (type == VEER_QWEIGHT_Q4_0) {                                                                       \
            const __m128i raw = _mm_loadu_si128((const __m128i *)(block + 2));                                      \
            w = _mm256_sub_epi8(                                                                                      \
                _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(raw, 4), low4), _mm_and_si128(raw, low4)),           \
                _mm256_set1_epi8(8));                                                                                 \
        } else {                                                                                                      \
            w = _mm256_loadu_si256((const __m256i *)(block + 2));                                                   \
        }                                                                                                             \
        /* signed × signed: |w| × (x with w's sign); sign_epi8 zeroes x where w = 0, whose product is 0 anyway. */    \
        return LANE_SUMS(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));                                            \
    }                                                                                                                 \
                                                                                                                      \
    TARGET static inline __attribute__((always_inline)) float NAME##_finish(__m256 even, __m256 odd, float offsets, veer_qweight_type type) {        \
        const __m256 t = _mm256_add_ps(even, odd);                                                                    \
        const __m128 u = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));                          \
        const __m128 v = _mm_add_ps(u, _mm_movehl_ps(u, u));                                                          \
        const float total = _mm_cvtss_f32(_mm_add_ss(v, _mm_shuffle_ps(v, v, 1)));                                    \
        return type == VEER_QWEIGHT_Q4_1 ? total + offsets : total;                                                   \
    }                                                                                                                 \
                                                                                                                      \
    /* One block of one weight row into the even or odd accumulator. Always inlined with a constant type, so each \
       format gets its own loop. */                                                                                   \
    TARGET static inline __attribute__((always_inline)) void NAME##_step(                                             \
        veer_qweight_type type, const uint8_t *block, __m256i x, float dx, float sx, __m256 *acc, float *offsets) {    \
        const __m256 sums = _mm256_cvtepi32_ps(NAME##_block_sums(type, block, x));                                    \
        /* q4_1's d and m are adjacent halves: one conversion gives both. */                                         \
        uint32_t halves;                                                                                              \
        memcpy(&halves, block, 4);                                                                                    \
        const __m128 dm = _mm_cvtph_ps(_mm_cvtsi32_si128((int)halves));                                               \
        const float scale = _mm_cvtss_f32(dm) * dx;                                                                   \
        *acc = _mm256_fmadd_ps(_mm256_set1_ps(scale), sums, *acc);                                                    \
        if (type == VEER_QWEIGHT_Q4_1) *offsets = fmaf(_mm_cvtss_f32(_mm_movehdup_ps(dm)), sx, *offsets);             \
    }                                                                                                                 \
                                                                                                                      \
    TARGET static inline __attribute__((always_inline)) float NAME##_dot1(                                            \
        veer_qweight_type type, const uint8_t *row, int blocks, int blockBytes, const int8_t *q, const float *d,      \
        const float *s) {                                                                                             \
        __m256 even = _mm256_setzero_ps(), odd = _mm256_setzero_ps();                                                 \
        float offsets = 0.0f;                                                                                         \
        for (int b = 0; b < blocks; b++) {                                                                            \
            const __m256i x = _mm256_loadu_si256((const __m256i *)(q + 32 * b));                                     \
            NAME##_step(type, row + (size_t)b * blockBytes, x, d[b], s[b], (b & 1) ? &odd : &even, &offsets);         \
        }                                                                                                             \
        return NAME##_finish(even, odd, offsets, type);                                                               \
    }                                                                                                                 \
                                                                                                                      \
    /* Four activation rows against one weight row: each weight block is read once for the four (prefill), and   \
       each row's sums run exactly as in dot1 (the same even/odd accumulators, offsets and finish), so a row gets  \
       the same bits in a tile as alone. */                                                                         \
    TARGET static inline __attribute__((always_inline)) void NAME##_dot4(                                             \
        veer_qweight_type type, const uint8_t *row, int blocks, int blockBytes, int k, const int8_t *q,              \
        const float *d, const float *s, float *out, size_t outStride) {                                               \
        __m256 even[4], odd[4];                                                                                       \
        float offsets[4] = {0.0f, 0.0f, 0.0f, 0.0f};                                                                  \
        for (int r = 0; r < 4; r++) { even[r] = _mm256_setzero_ps(); odd[r] = _mm256_setzero_ps(); }                 \
        for (int b = 0; b < blocks; b++) {                                                                            \
            const uint8_t *block = row + (size_t)b * blockBytes;                                                      \
            for (int r = 0; r < 4; r++) {                                                                             \
                const __m256i x = _mm256_loadu_si256((const __m256i *)(q + (size_t)r * k + 32 * b));                 \
                NAME##_step(type, block, x, d[r * blocks + b], s[r * blocks + b], (b & 1) ? &odd[r] : &even[r],       \
                            &offsets[r]);                                                                             \
            }                                                                                                         \
        }                                                                                                             \
        for (int r = 0; r < 4; r++) out[r * outStride] = NAME##_finish(even[r], odd[r], offsets[r], type);            \
    }                                                                                                                 \
                                                                                                                      \
    TARGET static inline __attribute__((always_inline)) void NAME##_columns(                                          \
        veer_qweight_type type, const uint8_t *base, size_t rowBytes, int k, int firstColumn, int endColumn,          \
        int rows, const int8_t *q, const float *d, const float *s, float *y, size_t yStride) {                        \
        const int blocks = k / 32, blockBytes = veer_block_bytes(type);                                               \
        int r = 0;                                                                                                    \
        for (; r + 4 <= rows; r += 4) {                                                                               \
            for (int j = firstColumn; j < endColumn; j++) {                                                           \
                NAME##_dot4(type, base + (size_t)j * rowBytes, blocks, blockBytes, k, q + (size_t)r * k,              \
                            d + (size_t)r * blocks, s + (size_t)r * blocks, y + (size_t)r * yStride + j, yStride);    \
            }                                                                                                         \
        }                                                                                                             \
        for (; r < rows; r++) {                                                                                       \
            const int8_t *qr = q + (size_t)r * k;                                                                     \
            const float *dr = d + (size_t)r * blocks, *sr = s + (size_t)r * blocks;                                   \
            float *yr = y + (size_t)r * yStride;                                                                      \
            /* One weight row at a time: reading two rows side by side measured 2.3x slower on the 28 MB output  \
               head (memory bound), and no faster in cache. */                                                        \
            for (int j = firstColumn; j < endColumn; j++) {                                                           \
                yr[j] = NAME##_dot1(type, base + (size_t)j * rowBytes, blocks, blockBytes, qr, dr, sr);               \
            }                                                                                                         \
        }                                                                                                             \
    }                                                                                                                 \
                                                                                                                      \
    TARGET void veer_q8_matmul_##NAME(veer_qweight_type type, const void *weights, size_t rowBytes, int k,            \
                                      int firstColumn, int endColumn, int rows, const int8_t *q, const float *d,      \
                                      const float *s, float *y, size_t yStride) {                                     \
        const uint8_t *base = (const uint8_t *)weights;                                                               \
        switch (type) {                                                                                               \
        case VEER_QWEIGHT_Q4_0:                                                                                       \
            NAME##_columns(VEER_QWEIGHT_Q4_0, base, rowBytes, k, firstColumn, endColumn, rows, q, d, s, y, yStride);  \
            break;                                                                                                    \
        case VEER_QWEIGHT_Q4_1:                                                                                       \
            NAME##_columns(VEER_QWEIGHT_Q4_1, base, rowBytes, k, firstColumn, endColumn, rows, q, d, s, y, yStride);  \
            break;                                                                                                    \
        case VEER_QWEIGHT_Q5_0:                                                                                       \
            NAME##_columns(VEER_QWEIGHT_Q5_0, base, rowBytes, k, firstColumn, endColumn, rows, q, d, s, y, yStride);  \
            break;                                                                                                    \
        case VEER_QWEIGHT_Q8_0:                                                                                       \
            NAME##_columns(VEER_QWEIGHT_Q8_0, base, rowBytes, k, firstColumn, endColumn, rows, q, d, s, y, yStride);  \
            break;                                                                                                    \
        }                                                                                                             \
    }

#define VEER_AVX2_LANE_SUMS(w, x) _mm256_madd_epi16(_mm256_maddubs_epi16((w), (x)), _mm256_set1_epi16(1))
#define VEER_VNNI_LANE_SUMS(w, x) _mm256_dpbusd_epi32(_mm256_setzero_si256(), (w), (x))

VEER_DEFINE_KERNEL(avx2, VEER_AVX2_TARGET, VEER_AVX2_LANE_SUMS)
VEER_DEFINE_KERNEL(avx512vnni, VEER_VNNI_TARGET, VEER_VNNI_LANE_SUMS)

#endif
