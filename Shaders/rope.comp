#version 450
// In-place rotary embedding, GGUF `llama` / GGML NORM mode: pair (x[2i], x[2i+1]) of each head's first nRot dims
// turns by theta = pos * freqScale * freqBase^(-2i/nRot). One invocation per pair; grid: x over the pairs of a row,
// y = rows.
//
// Accuracy: theta reaches thousands of radians. Its rounding error (an exact fma residual) is carried into the
// range reduction of veerSinCos, so sin and cos are those of the correctly computed product; the built-in sin/cos
// guarantee nothing outside [-pi, pi].
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerRopePush p; };

layout(std430, binding = 0) buffer X { float x[]; };                 // [rows, rowStride]
layout(std430, binding = 1) readonly buffer Pos { int positions[]; };  // [rows]

#include "veer_math.glsl"

void main() {
    uint row = gl_WorkGroupID.y;
    uint pair = gl_GlobalInvocationID.x;
    uint half_ = p.nRot / 2u;
    if (row >= p.rows || pair >= p.nHeads * half_) return;
    uint head = pair / half_;
    uint i = pair % half_;
    float pos = float(positions[row]);
    float freq = p.freqScale * exp2(-float(2u * i) / float(p.nRot) * log2(p.freqBase));
    float theta = pos * freq;
    float residual = fma(pos, freq, -theta);   // exact: theta + residual == pos * freq
    vec2 sc = veerSinCos(theta, residual);
    uint at = row * p.rowStride + p.headOffset + head * p.headDim + 2u * i;
    float x0 = x[at];
    float x1 = x[at + 1u];
    x[at] = x0 * sc.y - x1 * sc.x;
    x[at + 1u] = x0 * sc.x + x1 * sc.y;
}
