// Weight formats (GGML block layouts, little-endian), read from a `uint[]` binding through packed_words.glsl.
//
// Define WEIGHT_TYPE (one of VEER_DTYPE_*) and VEER_WORDS before including. Layouts, per 32 weights unless noted:
//   F32: 4 bytes per weight.  F16: IEEE half, 2 bytes per weight.
//   Q8_0: f16 d, 32 int8 q; w = d * q (34 bytes).
//   Q4_0: f16 d, 16 bytes; byte j holds weight j (low nibble) and j + 16 (high nibble); w = d * (q - 8) (18 bytes).
//   Q4_1: f16 d, f16 m, 16 bytes as Q4_0; w = d * q + m (20 bytes).
//   Q5_0: f16 d, u32 qh, 16 bytes as Q4_0; q = nibble | (bit j of qh) << 4; w = d * (q - 16) (22 bytes).
//   Q5_1: f16 d, f16 m, u32 qh, 16 bytes as Q5_0; w = d * q + m (24 bytes).
// K types, per 256 weights (DType.swift has the bit layouts):
//   Q4_K: f16 d, f16 dmin, 12 bytes of 6-bit scales/mins for 8 sub-blocks of 32, 128 bytes of nibbles
//         (sub-blocks 2c, 2c+1 in the low and high nibbles of bytes 32c..32c+31); w = d*sc * q - dmin*min (144).
//   Q5_K: as Q4_K with 32 bytes qh after the scales (bit s of byte l: weight l of sub-block s) (176 bytes).
//   Q6_K: 128 bytes ql, 64 bytes qh, 16 int8 scales (one per 16 weights), f16 d; w = d*scale * (q - 32) (210).
//   Q8_K: f32 d, 256 int8 q, 16 int16 sums; w = d * q (292 bytes).
//
// The matmul kernels walk a row in *units*: the slice of weights one lane takes at a time, sized so a unit is one
// or two 32-bit loads (F32: 1 weight; F16: 2; quantized: 8, a quarter block or an eighth of a K sub-block, so one
// scale and bias serve the whole unit). A unit holds the weights in a fixed order (`weightUnitK`), so every kernel
// that uses it accumulates in the same order.
//
// VEER_WEIGHT_HAS_BIAS: the formats whose units have a bias (w = scale * q + bias): Q4_1, Q5_1, Q4_K, Q5_K.
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
#else
const uint UNIT_WEIGHTS = 8u;
#if WEIGHT_TYPE == VEER_DTYPE_Q8_0
const uint BLOCK_BYTES = 34u;
#elif WEIGHT_TYPE == VEER_DTYPE_Q4_0
#define VEER_NIBBLE_UNITS 1
const uint BLOCK_BYTES = 18u;
#elif WEIGHT_TYPE == VEER_DTYPE_Q4_1
#define VEER_NIBBLE_UNITS 1
#define VEER_WEIGHT_HAS_BIAS 1
const uint BLOCK_BYTES = 20u;
#elif WEIGHT_TYPE == VEER_DTYPE_Q5_0
#define VEER_NIBBLE_UNITS 1
const uint BLOCK_BYTES = 22u;
#elif WEIGHT_TYPE == VEER_DTYPE_Q5_1
#define VEER_NIBBLE_UNITS 1
#define VEER_WEIGHT_HAS_BIAS 1
const uint BLOCK_BYTES = 24u;
#elif WEIGHT_TYPE == VEER_DTYPE_Q4_K
#define VEER_K_WEIGHTS 1
#define VEER_WEIGHT_HAS_BIAS 1
const uint BLOCK_BYTES = 144u;
#elif WEIGHT_TYPE == VEER_DTYPE_Q5_K
#define VEER_K_WEIGHTS 1
#define VEER_WEIGHT_HAS_BIAS 1
const uint BLOCK_BYTES = 176u;
#elif WEIGHT_TYPE == VEER_DTYPE_Q6_K
#define VEER_K_WEIGHTS 1
const uint BLOCK_BYTES = 210u;
#elif WEIGHT_TYPE == VEER_DTYPE_Q8_K
#define VEER_K_WEIGHTS 1
const uint BLOCK_BYTES = 292u;
#else
#error "unknown WEIGHT_TYPE"
#endif
#ifdef VEER_K_WEIGHTS
const uint BLOCK_WEIGHTS = 256u;
#else
const uint BLOCK_WEIGHTS = 32u;
#endif
uint weightRowBytes(uint k) { return (k / BLOCK_WEIGHTS) * BLOCK_BYTES; }
#endif

// Units in a row of k weights (the last F16 unit may hold a single weight when k is odd).
uint weightUnits(uint k) { return (k + UNIT_WEIGHTS - 1u) / UNIT_WEIGHTS; }

// The k index of weight e of unit u. Q4 and Q5 units hold the low nibbles of four bytes (weights 4j..4j+3 of the
// block), then their high nibbles (weights 16+4j..16+4j+3); the other formats' units are 8 consecutive weights.
uint weightUnitK(uint u, uint e) {
#ifdef VEER_NIBBLE_UNITS
    return (u >> 2) * 32u + (e >> 2) * 16u + (u & 3u) * 4u + (e & 3u);
#else
    return u * UNIT_WEIGHTS + e;
#endif
}

#ifdef VEER_K_WEIGHTS
// Sub-block s's 6-bit scale (x) and min (y) of the Q4_K / Q5_K super-block at byte `block` (ggml's
// get_scale_min_k4 over the 12 scale bytes at block + 4).
uvec2 veerKScaleMin(uint block, uint s) {
    if (s < 4u) return uvec2(veerByteAt(block + 4u + s) & 63u, veerByteAt(block + 8u + s) & 63u);
    uint both = veerByteAt(block + 8u + s);
    return uvec2((both & 0xFu) | ((veerByteAt(block + s) >> 6) << 4), (both >> 4) | ((veerByteAt(block + 4u + s) >> 6) << 4));
}
#endif

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
#elif defined(VEER_K_WEIGHTS)
    uint block = rowByte + (u >> 5) * BLOCK_BYTES;
    uint i = u & 31u;   // the unit's weights: 8i ..< 8i + 8 of the super-block
#if WEIGHT_TYPE == VEER_DTYPE_Q8_K
    w.scale = uintBitsToFloat(veerWordAt(block));
    uint lo = veerWordAt(block + 4u + 8u * i);
    uint hi = veerWordAt(block + 8u + 8u * i);
    for (uint e = 0u; e < 4u; e++) {
        w.q[e] = float(bitfieldExtract(int(lo), int(8u * e), 8));
        w.q[e + 4u] = float(bitfieldExtract(int(hi), int(8u * e), 8));
    }
#elif WEIGHT_TYPE == VEER_DTYPE_Q6_K
    // Half h of 128 weights, group g of 32 in it, first weight l0 of the unit in the group.
    uint h = i >> 4, g = (i >> 2) & 3u, l0 = 8u * (i & 3u);
    uint lowAt = block + 64u * h + 32u * (g & 1u) + l0, highAt = block + 128u + 32u * h + l0;
    uint lowShift = 4u * (g >> 1), highShift = 2u * g;
    uint low[2] = uint[2](veerWordAt(lowAt), veerWordAt(lowAt + 4u));
    uint high[2] = uint[2](veerWordAt(highAt), veerWordAt(highAt + 4u));
    for (uint e = 0u; e < 8u; e++) {
        uint at = 8u * (e & 3u);
        uint q = ((low[e >> 2] >> (at + lowShift)) & 0xFu) | (((high[e >> 2] >> (at + highShift)) & 3u) << 4);
        w.q[e] = float(int(q) - 32);
    }
    // One scale per 16 weights: unit i is in scale i / 2's range.
    w.scale = veerHalfAt(block + 208u) * float(bitfieldExtract(int(veerByteAt(block + 192u + (i >> 1))), 0, 8));
#else
    // Q4_K, Q5_K: sub-block s of 32, first weight l0 of the unit in it.
    uint s = i >> 2, l0 = 8u * (i & 3u);
#if WEIGHT_TYPE == VEER_DTYPE_Q5_K
    uint codesAt = block + 48u + 32u * (s >> 1) + l0;
    uint high[2] = uint[2](veerWordAt(block + 16u + l0), veerWordAt(block + 20u + l0));
#else
    uint codesAt = block + 16u + 32u * (s >> 1) + l0;
    uint high[2] = uint[2](0u, 0u);
#endif
    uint codes[2] = uint[2](veerWordAt(codesAt), veerWordAt(codesAt + 4u));
    uint shift = 4u * (s & 1u);
    for (uint e = 0u; e < 8u; e++) {
        uint at = 8u * (e & 3u);
        uint q = ((codes[e >> 2] >> (at + shift)) & 0xFu) | (((high[e >> 2] >> (at + s)) & 1u) << 4);
        w.q[e] = float(q);
    }
    uvec2 scaleMin = veerKScaleMin(block, s);
    w.scale = veerHalfAt(block) * float(scaleMin.x);
    w.bias = -(veerHalfAt(block + 2u) * float(scaleMin.y));
#endif
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
    // Q4_0, Q4_1, Q5_0, Q5_1: nibbles, plus the fifth bits of qh (bit j: weight j) for Q5.
#if WEIGHT_TYPE == VEER_DTYPE_Q4_1
    w.bias = veerHalfAt(block + 2u);
    uint nibbles = veerWordAt(block + 4u + 4u * quarter);
    uint fifth = 0u;
    const float offset = 0.0;
#elif WEIGHT_TYPE == VEER_DTYPE_Q5_0
    uint fifth = veerWordAt(block + 2u);
    uint nibbles = veerWordAt(block + 6u + 4u * quarter);
    const float offset = 16.0;
#elif WEIGHT_TYPE == VEER_DTYPE_Q5_1
    w.bias = veerHalfAt(block + 2u);
    uint fifth = veerWordAt(block + 4u);
    uint nibbles = veerWordAt(block + 8u + 4u * quarter);
    const float offset = 0.0;
#else
    uint nibbles = veerWordAt(block + 2u + 4u * quarter);
    uint fifth = 0u;
    const float offset = 8.0;
#endif
    for (uint e = 0u; e < 4u; e++) {
        uint j = 4u * quarter + e;   // the low nibble's weight in the block; the high nibble's is j + 16
        w.q[e] = float(((nibbles >> (8u * e)) & 0xFu) | (((fifth >> j) & 1u) << 4)) - offset;
        w.q[e + 4u] = float(((nibbles >> (8u * e + 4u)) & 0xFu) | (((fifth >> (j + 16u)) & 1u) << 4)) - offset;
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
#elif defined(VEER_K_WEIGHTS)
    uint block = rowByte + (i / 256u) * BLOCK_BYTES;
    uint t = i % 256u;
#if WEIGHT_TYPE == VEER_DTYPE_Q8_K
    return uintBitsToFloat(veerWordAt(block)) * float(bitfieldExtract(int(veerByteAt(block + 4u + t)), 0, 8));
#elif WEIGHT_TYPE == VEER_DTYPE_Q6_K
    uint h = t / 128u, g = (t % 128u) / 32u, l = t % 32u;
    uint q = ((veerByteAt(block + 64u * h + 32u * (g & 1u) + l) >> (4u * (g >> 1))) & 0xFu)
           | (((veerByteAt(block + 128u + 32u * h + l) >> (2u * g)) & 3u) << 4);
    float scale = veerHalfAt(block + 208u) * float(bitfieldExtract(int(veerByteAt(block + 192u + t / 16u)), 0, 8));
    return scale * float(int(q) - 32);
#else
    uint s = t / 32u, l = t % 32u;
#if WEIGHT_TYPE == VEER_DTYPE_Q5_K
    uint q = ((veerByteAt(block + 48u + 32u * (s >> 1) + l) >> (4u * (s & 1u))) & 0xFu)
           | (((veerByteAt(block + 16u + l) >> s) & 1u) << 4);
#else
    uint q = (veerByteAt(block + 16u + 32u * (s >> 1) + l) >> (4u * (s & 1u))) & 0xFu;
#endif
    uvec2 scaleMin = veerKScaleMin(block, s);
    float scale = veerHalfAt(block) * float(scaleMin.x);
    return scale * float(q) - veerHalfAt(block + 2u) * float(scaleMin.y);
#endif
#else
    uint block = rowByte + (i / 32u) * BLOCK_BYTES;
    uint j = i % 32u;
    float d = veerHalfAt(block);
#if WEIGHT_TYPE == VEER_DTYPE_Q8_0
    return d * float(bitfieldExtract(int(veerByteAt(block + 2u + j)), 0, 8));
#elif WEIGHT_TYPE == VEER_DTYPE_Q4_0
    uint q = (veerByteAt(block + 2u + (j & 15u)) >> (j < 16u ? 0u : 4u)) & 0xFu;
    return d * (float(q) - 8.0);
#elif WEIGHT_TYPE == VEER_DTYPE_Q4_1
    uint q = (veerByteAt(block + 4u + (j & 15u)) >> (j < 16u ? 0u : 4u)) & 0xFu;
    return fma(d, float(q), veerHalfAt(block + 2u));
#elif WEIGHT_TYPE == VEER_DTYPE_Q5_0
    uint q = ((veerByteAt(block + 6u + (j & 15u)) >> (j < 16u ? 0u : 4u)) & 0xFu)
           | (((veerWordAt(block + 2u) >> j) & 1u) << 4);
    return d * (float(q) - 16.0);
#else
    uint q = ((veerByteAt(block + 8u + (j & 15u)) >> (j < 16u ? 0u : 4u)) & 0xFu)
           | (((veerWordAt(block + 4u) >> j) & 1u) << 4);
    return fma(d, float(q), veerHalfAt(block + 2u));
#endif
#endif
}

#endif
