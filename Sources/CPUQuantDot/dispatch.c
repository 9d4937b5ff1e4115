#include "quant_internal.h"

int veer_q8_variant_available(veer_q8_variant variant) {
    switch (variant) {
    case VEER_Q8_SCALAR: return 1;
#if defined(__x86_64__) || defined(__i386__)
    case VEER_Q8_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    case VEER_Q8_AVX512_VNNI:
        __builtin_cpu_init();
        return veer_q8_variant_available(VEER_Q8_AVX2) && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512vnni");
#else
    case VEER_Q8_AVX2:
    case VEER_Q8_AVX512_VNNI:
        return 0;
#endif
    }
    return 0;
}

veer_q8_variant veer_q8_active_variant(void) {
    // Chosen on every call from cached CPU features (a few loads): no global state to initialise or race on.
    if (veer_q8_variant_available(VEER_Q8_AVX512_VNNI)) return VEER_Q8_AVX512_VNNI;
    if (veer_q8_variant_available(VEER_Q8_AVX2)) return VEER_Q8_AVX2;
    return VEER_Q8_SCALAR;
}

const char *veer_q8_variant_name(veer_q8_variant variant) {
    switch (variant) {
    case VEER_Q8_SCALAR: return "scalar";
    case VEER_Q8_AVX2: return "avx2";
    case VEER_Q8_AVX512_VNNI: return "avx512-vnni";
    }
    return "unknown";
}

static veer_q8_kernel kernel_for(veer_q8_variant variant) {
    switch (variant) {
#if defined(__x86_64__) || defined(__i386__)
    case VEER_Q8_AVX2: return veer_q8_matmul_avx2;
    case VEER_Q8_AVX512_VNNI: return veer_q8_matmul_avx512vnni;
#else
    case VEER_Q8_AVX2:
    case VEER_Q8_AVX512_VNNI:
#endif
    case VEER_Q8_SCALAR: break;
    }
    return veer_q8_matmul_scalar;
}

void veer_q8_matmul_variant(veer_q8_variant variant, veer_qweight_type type, const void *weights, size_t rowBytes,
                            int k, int firstColumn, int endColumn, int rows, const int8_t *q, const float *d,
                            const float *s, float *y, size_t yStride) {
    kernel_for(variant)(type, weights, rowBytes, k, firstColumn, endColumn, rows, q, d, s, y, yStride);
}

void veer_q8_matmul(veer_qweight_type type, const void *weights, size_t rowBytes, int k, int firstColumn,
                    int endColumn, int rows, const int8_t *q, const float *d, const float *s, float *y,
                    size_t yStride) {
    kernel_for(veer_q8_active_variant())(type, weights, rowBytes, k, firstColumn, endColumn, rows, q, d, s, y,
                                         yStride);
}
