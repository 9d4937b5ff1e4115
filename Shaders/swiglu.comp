#version 450
// out[r, c] = act(gate[r*stride + c]) * up[r*stride + upOffset + c], i = r*width + c, act = silu(g) = g / (1 + exp(-g))
// or, with activation VEER_ACTIVATION_GELU_TANH, ggml's tanh-GELU in f32 (veerTanh: accurate near 0, no overflow):
// gate and up may be the two halves of one stacked projection's rows. In the flat form (one row) out may alias gate
// or up (each element is read before it is written, by the same invocation). Grid: flat groups folded over (x, y).
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerSwigluPush p; };

layout(std430, binding = 0) readonly buffer Gate { float gate[]; };      // [rows, stride]
layout(std430, binding = 1) readonly buffer Up { float up[]; };          // [rows, stride] from upOffset
layout(std430, binding = 2) writeonly buffer Out { float outValues[]; }; // [rows, width]

#include "grid.glsl"
#include "veer_math.glsl"

float geluTanh(float g) {
    const float SQRT_2_OVER_PI = 0.79788456080286535587989211986876;
    const float GELU_COEF_A = 0.044715;
    return 0.5 * g * (1.0 + veerTanh(SQRT_2_OVER_PI * g * (1.0 + GELU_COEF_A * g * g)));
}

void main() {
    uint i = veerFlatGroup() * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
    if (i >= p.count) return;
    uint at = (i / p.width) * p.stride + i % p.width;
    float g = gate[at];
    if (p.activation == VEER_ACTIVATION_GELU_TANH) {
        outValues[i] = geluTanh(g) * up[at + p.upOffset];
        return;
    }
    // For g < -88, exp(-g) is +inf and g / inf = -0: the limit, not NaN.
    outValues[i] = g / (1.0 + exp(-g)) * up[at + p.upOffset];
}
