#version 450
// Per row of x[rows, width]: out = softmax(x), or with logMode = 1, out = log-softmax(x) = x - max - log(sum).
// One workgroup per row; out may alias x. The max propagates NaN, so a row holding NaN comes out NaN.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerSoftmaxPush p; };

layout(std430, binding = 0) readonly buffer X { float x[]; };            // [rows, width]
layout(std430, binding = 1) writeonly buffer Out { float outValues[]; }; // [rows, width]

#include "reduce.glsl"
#include "grid.glsl"
#include "veer_math.glsl"

void main() {
    uint row = veerFlatGroup();
    if (row >= p.rows) return;
    uint lid = gl_LocalInvocationID.x;
    uint base = row * p.width;
    float localMax = veerNegInf();
    for (uint i = lid; i < p.width; i += gl_WorkGroupSize.x) localMax = veerMaxNaN(localMax, x[base + i]);
    float rowMax = veerWorkgroupMax(localMax);
    float localSum = 0.0;
    for (uint i = lid; i < p.width; i += gl_WorkGroupSize.x) localSum += exp(x[base + i] - rowMax);
    float total = veerWorkgroupSum(localSum);
    if (p.logMode != 0u) {
        float logTotal = log(total);
        for (uint i = lid; i < p.width; i += gl_WorkGroupSize.x) outValues[base + i] = (x[base + i] - rowMax) - logTotal;
    } else {
        for (uint i = lid; i < p.width; i += gl_WorkGroupSize.x) outValues[base + i] = exp(x[base + i] - rowMax) / total;
    }
}
