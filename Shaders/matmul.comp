#version 450
// y[rows, n] = x[rows, k] . W^T, W stored as [n, k] in WEIGHT_TYPE (see weights.glsl).
//
// Variants (Shaders/variants.txt): WEIGHT_TYPE, ROWS (rows per workgroup: 1 = the matvec used for decode, more =
// the multi-row kernel used for prefill, which reads each weight once per ROWS rows), VEER_SUBGROUPS.
//
// Determinism: one output element y[r, j] is always computed the same way, whatever the variant or the batch:
//   * lane l of column j's LANES lanes accumulates units l, l + LANES, l + 2*LANES, ... of row j, in that order,
//     with explicit fma (so no compiler contraction can differ between variants);
//   * the LANES partial sums meet in the fixed tree of reduce.glsl.
// ROWS only decides how many rows share one pass over the weights; rows never mix. LANES is a specialization
// constant that the backend keeps fixed for all variants.
//
// Workgroup: LANES * (columns per group) invocations; grid: (column groups folded over x, y) x (row tiles on z).
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint LANES = 32u;   // lanes per output column; fixes the reduction tree
// minStorageBufferOffsetAlignment (a power of two). A split weight's binding starts at the aligned address at or
// below row colBase; the run's first row sits (colBase * rowBytes) % BINDING_ALIGN bytes into it.
layout(constant_id = 2) const uint BINDING_ALIGN = 16u;

layout(push_constant) uniform Push { VeerMatmulPush p; };

layout(std430, binding = 0) readonly buffer XBuf { float x[]; };           // [rows, k] at xOffset
layout(std430, binding = 1) readonly buffer WBuf { uint weightWords[]; };  // W rows colBase ..< colBase+colCount
layout(std430, binding = 2) writeonly buffer YBuf { float y[]; };          // [rows, n] at yOffset

#define VEER_WORDS weightWords
#include "packed_words.glsl"
#include "weights.glsl"
#include "reduce.glsl"
#include "grid.glsl"

#ifndef ROWS
#error "define ROWS (rows per workgroup)"
#endif
const uint PADDED_ROWS = (ROWS + 3u) / 4u * 4u;   // partial sums are reduced four at a time (vec4)

void main() {
    const uint columnsPerGroup = gl_WorkGroupSize.x / LANES;
    uint lid = gl_LocalInvocationID.x;
    uint lane = lid % LANES;
    uint firstColumn = veerFlatGroup() * columnsPerGroup;
    if (firstColumn >= p.colCount) return;   // surplus group of the folded grid (uniform: no barrier skipped)
    uint column = firstColumn + lid / LANES;
    bool columnValid = column < p.colCount;
    // Lanes of a missing column (last group) recompute the last column and store nothing: barriers stay uniform.
    uint rowBytes = weightRowBytes(p.k);
    uint rowByte = (p.colBase * rowBytes) % BINDING_ALIGN + min(column, p.colCount - 1u) * rowBytes;

    uint rowTile = gl_WorkGroupID.z * ROWS;
    uint xRow[ROWS];
    for (uint r = 0u; r < ROWS; r++) xRow[r] = p.xOffset + min(rowTile + r, p.rows - 1u) * p.k;

    float acc[PADDED_ROWS];
    for (uint r = 0u; r < PADDED_ROWS; r++) acc[r] = 0.0;

    uint units = weightUnits(p.k);
    for (uint u = lane; u < units; u += LANES) {
        WeightUnit w = loadWeightUnit(rowByte, u, p.k);
#ifdef VEER_FLOAT_WEIGHTS
        for (uint e = 0u; e < UNIT_WEIGHTS; e++) {
            uint kk = weightUnitK(u, e);
            if (kk < p.k) {
                for (uint r = 0u; r < ROWS; r++) acc[r] = fma(w.q[e], x[xRow[r] + kk], acc[r]);
            }
        }
#else
        // sum_e (scale*q_e + bias) * x_e = scale * sum_e q_e*x_e + bias * sum_e x_e
        for (uint r = 0u; r < ROWS; r++) {
            float dot = 0.0;
            float xSum = 0.0;
            for (uint e = 0u; e < UNIT_WEIGHTS; e++) {
                float xv = x[xRow[r] + weightUnitK(u, e)];
                dot = fma(w.q[e], xv, dot);
                xSum += xv;
            }
            acc[r] = fma(w.scale, dot, acc[r]);
#if WEIGHT_TYPE == VEER_DTYPE_Q4_1
            acc[r] = fma(w.bias, xSum, acc[r]);
#endif
        }
#endif
    }

    for (uint r0 = 0u; r0 < PADDED_ROWS; r0 += 4u) {
        vec4 sums = veerSegmentReduce(vec4(acc[r0], acc[r0 + 1u], acc[r0 + 2u], acc[r0 + 3u]), LANES, VEER_OP_SUM);
        if (lane == 0u && columnValid) {
            for (uint j = 0u; j < 4u; j++) {
                uint row = rowTile + r0 + j;
                if (r0 + j < ROWS && row < p.rows) y[p.yOffset + row * p.n + p.colBase + column] = sums[j];
            }
        }
    }
}
