#version 450
// Per row of x[rows, width]: the k largest values in descending order with their ids (equal values: lower id
// first). A row holding NaN or +-inf yields ids -1 and NaN values. One workgroup per row.
//
// Round t selects the largest element ranked after round t-1's pick in the total order (value desc, index asc), so
// no element is marked or moved and the result is exact and deterministic. k <= 256 rounds of a strided scan: fine
// for sampling's small k; a radix select would be the next step for large k on wide vocabularies.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerSelectPush p; };

layout(std430, binding = 0) readonly buffer X { float x[]; };             // [rows, width]
layout(std430, binding = 1) writeonly buffer Ids { int ids[]; };          // [rows, k]
layout(std430, binding = 2) writeonly buffer Values { float values[]; };  // [rows, k]

#include "reduce.glsl"
#include "grid.glsl"
#include "select.glsl"
#include "veer_math.glsl"

void main() {
    uint row = veerFlatGroup();
    if (row >= p.rows) return;
    uint lid = gl_LocalInvocationID.x;
    uint base = row * p.width;
    float previousValue = uintBitsToFloat(0x7F800000u);   // +inf: everything finite ranks after it
    float previousIndex = -1.0;
    for (uint t = 0u; t < p.k; t++) {
        vec4 best = veerNoCandidate();
        for (uint i = lid; i < p.width; i += gl_WorkGroupSize.x) {
            float v = x[base + i];
            if (t == 0u && (isnan(v) || isinf(v))) best.z = 1.0;
            else if (veerRanksAfter(v, float(i), previousValue, previousIndex) && v > best.x) best.xy = vec2(v, float(i));
        }
        best = veerSegmentReduce(best, gl_WorkGroupSize.x, VEER_OP_ARGMAX);
        if (best.z != 0.0) {   // uniform: every lane holds the reduced flag
            for (uint j = lid; j < p.k; j += gl_WorkGroupSize.x) {
                ids[row * p.k + j] = -1;
                values[row * p.k + j] = veerNaN();
            }
            return;
        }
        if (lid == 0u) {
            ids[row * p.k + t] = int(best.y);
            values[row * p.k + t] = best.x;
        }
        previousValue = best.x;
        previousIndex = best.y;
    }
}
