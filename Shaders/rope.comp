#version 450
// In-place rotary embedding (VeerRopePush): pair i of each head's first nRot dims, (x[2i], x[2i+1]) in the adjacent
// style (GGUF `llama`, GGML NORM mode) or (x[i], x[i + nRot/2]) in NEOX, turns by
// theta = pos * freqScale * freqBase^(-2i/nRot) [/ freqFactors[i]] (rope.glsl). One invocation per pair; grid: x over
// the pairs of a row, y = rows.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerRopePush p; };

layout(std430, binding = 0) buffer X { float x[]; };                         // [rows, rowStride]
layout(std430, binding = 1) readonly buffer Pos { int positions[]; };          // [rows]
layout(std430, binding = 2) readonly buffer FreqFactors { float factors[]; };  // [nRot/2]; unused if !hasFreqFactors

#include "rope.glsl"

void main() {
    uint row = gl_WorkGroupID.y;
    uint pair = gl_GlobalInvocationID.x;
    uint half_ = p.nRot / 2u;
    if (row >= p.rows || pair >= p.nHeads * half_) return;
    uint head = pair / half_;
    uint i = pair % half_;
    uint base = row * p.rowStride + p.headOffset + head * p.headDim;
    uvec2 at = base + veerRopeDims(i, p.nRot, p.style);
    float freq = veerRopeFrequency(i, p.nRot, p.freqBase, p.freqScale);
    if (p.hasFreqFactors != 0u) freq /= factors[i];
    vec2 turned = veerRopeTurn(vec2(x[at.x], x[at.y]), positions[row], freq);
    x[at.x] = turned.x;
    x[at.y] = turned.y;
}
