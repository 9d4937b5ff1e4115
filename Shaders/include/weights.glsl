// Weight formats (GGML block layouts, little-endian), read from a `uint[]` binding through packed_words.glsl.
//
// Define WEIGHT_TYPE (one of VEER_DTYPE_*) and VEER_WORDS before including. Layouts, per 32 weights unless noted:
//   F32: 4 bytes per weight.  F16: IEEE half, 2 bytes per weight.
//   Q8_0: f16 d, 32 int8 q; w = d * q (34 bytes).
//   Q4_0: f16 d, 16 bytes; byte j holds weight j (low nibble) and j + 16 (high nibble); w = d * (q - 8) (18 bytes).
//   Q4_1: f16 d, f16 m, 16 bytes as Q4_0; w = d * q + m (20 bytes).
//
// The matmul kernels walk a row in *units*: the slice of weights one lane takes at a time, sized so a unit is one
// or two 32-bit loads (F32: 1 weight; F16: 2; quantized: 8, a quarter block). A unit holds the weights in a fixed
// order (`weightUnitK`), so every kernel that uses it accumulates in the same order.
#ifndef VEER_WEIGHTS_GLSL
#define VEER_WEIGHTS_GLSL

#if !defined(WEIGHT_TYPE)
#error "define WEIGHT_TYPE"
#endif

#if WEIGHT_TYPE == VEER_DTYPE_F32
#define VEER_FLOAT_WEIGHTS 1
const uint UNIT_WEIGHTS = 1u;
uint weightRowBytes(uint k) { return 4u * k; }
#elif WEIGHT_TYPE == VEER_DTYPE_F16
#define VEER_FLOAT_WEIGHTS 1
const uint UNIT_WEIGHTS = 2u;
uint weightRowBytes(uint k) { return 2u * k; }
#elif WEIGHT_TYPE == VEER_DTYPE_Q8_0
const uint UNIT_WEIGHTS = 8u;
const uint BLOCK_BYTES = 34u;
uint weightRowBytes(uint k) { return (k / 32u) * BLOCK_BYTES; }
#elif WEIGHT_TYPE == VEER_DTYPE_Q4_0
const uint UNIT_WEIGHTS = 8u;
const uint BLOCK_BYTES = 18u;
uint weightRowBytes(uint k) { return (k / 32u) * BLOCK_BYTES; }
#elif WEIGHT_TYPE == VEER_DTYPE_Q4_1
const uint UNIT_WEIGHTS = 8u;
const uint BLOCK_BYTES = 20u;
uint weightRowBytes(uint k) { return (k / 32u) * BLOCK_BYTES; }
#else
#error "unknown WEIGHT_TYPE"
#endif

// Units in a row of k weights (the last F16 unit may hold a single weight when k is odd).
uint weightUnits(uint k) { return (k + UNIT_WEIGHTS - 1u) / UNIT_WEIGHTS; }

// The k index of weight e of unit u. Q4 units hold the low nibbles of four bytes (weights 4j..4j+3 of the block),
// then their high nibbles (weights 16+4j..16+4j+3).
uint weightUnitK(uint u, uint e) {
#if WEIGHT_TYPE == VEER_DTYPE_Q4_0 || WEIGHT_TYPE == VEER_DTYPE_Q4_1
    return (u >> 2) * 32u + (e >> 2) * 16u + (u & 3u) * 4u + (e & 3u);
#else
    return u * UNIT_WEIGHTS + e;
#endif
}

// One unit: q[e] are the weights (float types) or the integer levels (quantized: w = scale * q + bias).
struct WeightUnit {
    float q[UNIT_WEIGHTS];
    float scale;
    float bias;
};

// Unit u of the row starting at byte rowByte of the binding; k is the row length.
WeightUnit loadWeightUnit(uint rowByte, uint u, uint k) {
    WeightUnit w;
    w.scale = 1.0;
    w.bias = 0.0;
#if WEIGHT_TYPE == VEER_DTYPE_F32
    w.q[0] = uintBitsToFloat(VEER_WORDS[(rowByte >> 2) + u]);
#elif WEIGHT_TYPE == VEER_DTYPE_F16
    uint at = rowByte + 4u * u;
    if (2u * u + 1u < k) {
        vec2 h = unpackHalf2x16(veerWordAt(at));
        w.q[0] = h.x;
        w.q[1] = h.y;
    } else {
        // Odd k: the last unit has one weight; do not read past the row (it may end the binding).
        w.q[0] = veerHalfAt(at);
        w.q[1] = 0.0;
    }
#else
    uint block = rowByte + (u >> 2) * BLOCK_BYTES;
    uint quarter = u & 3u;
    w.scale = veerHalfAt(block);
#if WEIGHT_TYPE == VEER_DTYPE_Q8_0
    uint lo = veerWordAt(block + 2u + 8u * quarter);
    uint hi = veerWordAt(block + 6u + 8u * quarter);
    for (uint e = 0u; e < 4u; e++) {
        w.q[e] = float(bitfieldExtract(int(lo), int(8u * e), 8));
        w.q[e + 4u] = float(bitfieldExtract(int(hi), int(8u * e), 8));
    }
#else
#if WEIGHT_TYPE == VEER_DTYPE_Q4_1
    w.bias = veerHalfAt(block + 2u);
    uint nibbles = veerWordAt(block + 4u + 4u * quarter);
    const float offset = 0.0;
#else
    uint nibbles = veerWordAt(block + 2u + 4u * quarter);
    const float offset = 8.0;
#endif
    for (uint e = 0u; e < 4u; e++) {
        w.q[e] = float((nibbles >> (8u * e)) & 0xFu) - offset;
        w.q[e + 4u] = float((nibbles >> (8u * e + 4u)) & 0xFu) - offset;
    }
#endif
#endif
    return w;
}

// Weight i of the row starting at byte rowByte, dequantized (embedding lookups).
float weightAt(uint rowByte, uint i) {
#if WEIGHT_TYPE == VEER_DTYPE_F32
    return uintBitsToFloat(VEER_WORDS[(rowByte >> 2) + i]);
#elif WEIGHT_TYPE == VEER_DTYPE_F16
    return veerHalfAt(rowByte + 2u * i);
#else
    uint block = rowByte + (i / 32u) * BLOCK_BYTES;
    uint j = i % 32u;
    float d = veerHalfAt(block);
#if WEIGHT_TYPE == VEER_DTYPE_Q8_0
    return d * float(bitfieldExtract(int(veerByteAt(block + 2u + j)), 0, 8));
#elif WEIGHT_TYPE == VEER_DTYPE_Q4_0
    uint q = (veerByteAt(block + 2u + (j & 15u)) >> (j < 16u ? 0u : 4u)) & 0xFu;
    return d * (float(q) - 8.0);
#else
    uint q = (veerByteAt(block + 4u + (j & 15u)) >> (j < 16u ? 0u : 4u)) & 0xFu;
    return fma(d, float(q), veerHalfAt(block + 2u));
#endif
#endif
}

#endif
