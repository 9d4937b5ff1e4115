#version 450
// In-place rotary embedding, GGUF `llama` / GGML NORM mode: pair (x[2i], x[2i+1]) of each head's first nRot dims
// turns by theta = pos * freqScale * freqBase^(-2i/nRot) (rope.glsl). One invocation per pair; grid: x over the
// pairs of a row, y = rows.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerRopePush p; };

layout(std430, binding = 0) buffer X { float x[]; };                 // [rows, rowStride]
layout(std430, binding = 1) readonly buffer Pos { int positions[]; };  // [rows]

#include "rope.glsl"

void main() {
    uint row = gl_WorkGroupID.y;
    uint pair = gl_GlobalInvocationID.x;
    uint half_ = p.nRot / 2u;
    if (row >= p.rows || pair >= p.nHeads * half_) return;
    uint head = pair / half_;
    uint i = pair % half_;
    uint at = row * p.rowStride + p.headOffset + head * p.headDim + 2u * i;
    vec2 turned = veerRopeRotate(vec2(x[at], x[at + 1u]), positions[row], i, p.nRot, p.freqBase, p.freqScale);
    x[at] = turned.x;
    x[at + 1u] = turned.y;
}
