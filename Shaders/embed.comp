#version 450
// out[r, :] = dequant(table[ids[r], :]) * scale for a table in WEIGHT_TYPE (weights.glsl); the f32 product (Gemma's
// sqrt(width)) is skipped when scale is 1, so plain embeddings are the dequantized values themselves.
//
// A table larger than one binding is split by the host into dispatches over id ranges: this one handles ids in
// [idBase, idBase + idCount), its binding holding those rows, and leaves other rows alone. A row whose id lies
// outside [0, vocab) (e.g. argmax's -1 for a non-finite row) becomes NaN, so a bad id is visible, never a read
// out of bounds. Grid: x = ceil(width / workgroup size), y = rows.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;
// minStorageBufferOffsetAlignment: a split table's binding starts at the aligned address at or below row idBase
// (see matmul.comp).
layout(constant_id = 1) const uint BINDING_ALIGN = 16u;

layout(push_constant) uniform Push { VeerEmbedPush p; };

layout(std430, binding = 0) readonly buffer Ids { int ids[]; };             // [rows]
layout(std430, binding = 1) readonly buffer Table { uint tableWords[]; };   // rows idBase ..< idBase+idCount
layout(std430, binding = 2) writeonly buffer Out { float outValues[]; };    // [rows, width]

#define VEER_WORDS tableWords
#include "packed_words.glsl"
#include "weights.glsl"
#include "veer_math.glsl"

void main() {
    uint row = gl_WorkGroupID.y;
    uint i = gl_GlobalInvocationID.x;
    if (row >= p.rows || i >= p.width) return;
    int id = ids[row];
    if (id < 0 || uint(id) >= p.vocab) {
        if (p.idBase == 0u) outValues[row * p.width + i] = veerNaN();
        return;
    }
    uint local = uint(id) - p.idBase;   // wraps to a huge value for ids below idBase
    if (local >= p.idCount) return;
    uint rowBytes = weightRowBytes(p.width);
    float value = weightAt((p.idBase * rowBytes) % BINDING_ALIGN + local * rowBytes, i);
    outValues[row * p.width + i] = p.scale == 1.0 ? value : value * p.scale;
}
