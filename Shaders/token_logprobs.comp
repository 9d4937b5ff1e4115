#version 450
// out[r] = logits[r, target[r]] - logsumexp(logits[r, :]): scoring without copying the vocabulary to the host.
// One workgroup per row. NaN in the row, or a target outside [0, width), gives NaN.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerTokenLogprobsPush p; };

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };   // [rows, width]
layout(std430, binding = 1) readonly buffer Targets { int targets[]; };   // [rows]
layout(std430, binding = 2) writeonly buffer Out { float outValues[]; };  // [rows]

#include "reduce.glsl"
#include "grid.glsl"
#include "veer_math.glsl"

void main() {
    uint row = veerFlatGroup();
    if (row >= p.rows) return;
    uint lid = gl_LocalInvocationID.x;
    uint base = row * p.width;
    float localMax = veerNegInf();
    for (uint i = lid; i < p.width; i += gl_WorkGroupSize.x) localMax = veerMaxNaN(localMax, logits[base + i]);
    float rowMax = veerWorkgroupMax(localMax);
    float localSum = 0.0;
    for (uint i = lid; i < p.width; i += gl_WorkGroupSize.x) localSum += exp(logits[base + i] - rowMax);
    float total = veerWorkgroupSum(localSum);
    if (lid == 0u) {
        int target = targets[row];
        bool inRange = target >= 0 && uint(target) < p.width;
        outValues[row] = inRange ? (logits[base + uint(target)] - rowMax) - log(total) : veerNaN();
    }
}
