#version 450
// In place: x[r*rowStride + offset + c] += bias[c] for r < rows, c < width (VeerBiasAddPush; Qwen2's Q/K/V biases).
// One f32 addition per element, the same bits on every backend. Grid: x = ceil(width / workgroup size), y = rows.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerBiasAddPush p; };

layout(std430, binding = 0) buffer X { float x[]; };                  // [rows, rowStride]
layout(std430, binding = 1) readonly buffer Bias { float bias[]; };   // [width]

void main() {
    uint row = gl_WorkGroupID.y;
    uint c = gl_GlobalInvocationID.x;
    if (row >= p.rows || c >= p.width) return;
    uint at = row * p.rowStride + p.offset + c;
    x[at] = x[at] + bias[c];
}
