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
// ROWS only decides how many rows share one pass over the weights and COLUMNS_PER_LANE how many columns share the
// loads of x; neither changes any element's order. LANES is a specialization constant that the backend keeps fixed
// for all variants: 32 on GPUs (coalesced loads, short sums per lane), 1 on CPU implementations such as lavapipe
// (one invocation per column group, no barriers).
//
// Workgroup: LANES * (lane groups) invocations, each lane group computing COLUMNS_PER_LANE columns; grid: (column
// groups folded over x, y) x (row tiles on z).
//
// INPUT_NORM (ROWS = 1 only): y = rmsnorm(x) . W^T, the RMSNorm of the input row fused in (VeerNormMatmulPush). The
// workgroup first computes the row's sum of squares exactly as rmsnorm.comp does with NORM_LANES lanes (its
// workgroup size): virtual lane t accumulates x[t], x[t + NORM_LANES], ... with fma, then reduce.glsl's tree. This
// workgroup is smaller, so each invocation plays up to MAX_NORM_SPAN of those lanes and runs the tree's first stages
// itself. Every x is then read as x * scale * normWeight, the very value rmsnorm.comp writes, so the results are
// bit-identical to rmsnorm followed by the plain mat-vec (a decode row equals the same row inside a prefill).
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint LANES = 32u;   // lanes per output column; fixes the reduction tree
// minStorageBufferOffsetAlignment (a power of two). A split weight's binding starts at the aligned address at or
// below row colBase; the run's first row sits (colBase * rowBytes) % BINDING_ALIGN bytes into it.
layout(constant_id = 2) const uint BINDING_ALIGN = 16u;
// Columns one lane group computes side by side, sharing each x load: 1 on GPUs, 4 on CPU implementations, where
// loads, not memory bandwidth, limit the speed. At most MAX_COLUMNS_PER_LANE.
layout(constant_id = 3) const uint COLUMNS_PER_LANE = 1u;
const uint MAX_COLUMNS_PER_LANE = 4u;

#ifdef INPUT_NORM
// VeerNormMatmulPush: std430 places normEps right after the 28-byte VeerMatmulPush, as C does.
layout(push_constant) uniform Push { VeerMatmulPush p; float normEps; };
#else
layout(push_constant) uniform Push { VeerMatmulPush p; };
#endif

layout(std430, binding = 0) readonly buffer XBuf { float x[]; };           // [rows, k] at xOffset
layout(std430, binding = 1) readonly buffer WBuf { uint weightWords[]; };  // W rows colBase ..< colBase+colCount
layout(std430, binding = 2) writeonly buffer YBuf { float y[]; };          // [rows, n] at yOffset
#ifdef INPUT_NORM
layout(std430, binding = 3) readonly buffer NormBuf { float normWeight[]; };  // [k]
layout(constant_id = 4) const uint NORM_LANES = 256u;   // rmsnorm.comp's workgroup size: the width of its tree
const uint MAX_NORM_SPAN = 2u;                          // NORM_LANES / workgroup size, at most (the host checks)
#endif

#define VEER_WORDS weightWords
#include "packed_words.glsl"
#include "weights.glsl"
#include "reduce.glsl"
#include "grid.glsl"

#ifndef ROWS
#error "define ROWS (rows per workgroup)"
#endif
const uint PADDED_ROWS = (ROWS + 3u) / 4u * 4u;   // partial sums are reduced four at a time (vec4)

#ifdef INPUT_NORM
#if ROWS != 1
#error "INPUT_NORM is the mat-vec (ROWS = 1) only"
#endif
// 1 / sqrt(mean(x^2) + eps) of the row starting at x[rowStart], in rmsnorm.comp's order (see the header). Every
// invocation of the workgroup must call it (barriers inside).
float veerInputScale(uint rowStart) {
    const uint span = NORM_LANES / gl_WorkGroupSize.x;
    uint lid = gl_LocalInvocationID.x;
    float partial[MAX_NORM_SPAN];
    for (uint j = 0u; j < span; j++) {
        float squares = 0.0;
        for (uint i = lid + j * gl_WorkGroupSize.x; i < p.k; i += NORM_LANES) {
            float v = x[rowStart + i];
            squares = fma(v, v, squares);
        }
        partial[j] = squares;
    }
    // The tree's stages wider than this workgroup pair lanes that this invocation holds both of.
    for (uint s = span / 2u; s > 0u; s /= 2u) {
        for (uint j = 0u; j < s; j++) partial[j] = partial[j] + partial[j + s];
    }
    float total = veerWorkgroupSum(partial[0]);
    return 1.0 / sqrt(total / float(p.k) + normEps);
}
#define VEER_INPUT(at, kk) (x[(at) + (kk)] * inputScale * normWeight[kk])
#else
#define VEER_INPUT(at, kk) x[(at) + (kk)]
#endif

void main() {
    const uint columnsPerGroup = gl_WorkGroupSize.x / LANES * COLUMNS_PER_LANE;
    uint lid = gl_LocalInvocationID.x;
    uint lane = lid % LANES;
    uint firstColumn = veerFlatGroup() * columnsPerGroup;
    if (firstColumn >= p.colCount) return;   // surplus group of the folded grid (uniform: no barrier skipped)
    uint ownColumn = firstColumn + (lid / LANES) * COLUMNS_PER_LANE;
    // Lanes of a missing column (last group) recompute the last column and store nothing: barriers stay uniform.
    uint rowBytes = weightRowBytes(p.k);
    uint skew = (p.colBase * rowBytes) % BINDING_ALIGN;
    uint rowByte[MAX_COLUMNS_PER_LANE];
    for (uint c = 0u; c < COLUMNS_PER_LANE; c++) rowByte[c] = skew + min(ownColumn + c, p.colCount - 1u) * rowBytes;

    uint rowTile = gl_WorkGroupID.z * ROWS;
    uint xRow[ROWS];
    for (uint r = 0u; r < ROWS; r++) xRow[r] = p.xOffset + min(rowTile + r, p.rows - 1u) * p.k;

#ifdef INPUT_NORM
    float inputScale = veerInputScale(xRow[0]);
#endif

    float acc[MAX_COLUMNS_PER_LANE * PADDED_ROWS];   // [column][row]
    for (uint i = 0u; i < COLUMNS_PER_LANE * PADDED_ROWS; i++) acc[i] = 0.0;

    uint units = weightUnits(p.k);
    for (uint u = lane; u < units; u += LANES) {
        WeightUnit w[MAX_COLUMNS_PER_LANE];
        for (uint c = 0u; c < COLUMNS_PER_LANE; c++) w[c] = loadWeightUnit(rowByte[c], u, p.k);
#ifdef VEER_FLOAT_WEIGHTS
        for (uint e = 0u; e < UNIT_WEIGHTS; e++) {
            uint kk = weightUnitK(u, e);
            if (kk < p.k) {
                for (uint r = 0u; r < ROWS; r++) {
                    float xv = VEER_INPUT(xRow[r], kk);
                    for (uint c = 0u; c < COLUMNS_PER_LANE; c++) {
                        acc[c * PADDED_ROWS + r] = fma(w[c].q[e], xv, acc[c * PADDED_ROWS + r]);
                    }
                }
            }
        }
#else
        // sum_e (scale*q_e + bias) * x_e = scale * sum_e q_e*x_e + bias * sum_e x_e
        for (uint r = 0u; r < ROWS; r++) {
            float xs[UNIT_WEIGHTS];
            float xSum = 0.0;
            for (uint e = 0u; e < UNIT_WEIGHTS; e++) {
                xs[e] = VEER_INPUT(xRow[r], weightUnitK(u, e));
                xSum += xs[e];
            }
            for (uint c = 0u; c < COLUMNS_PER_LANE; c++) {
                float dot = 0.0;
                for (uint e = 0u; e < UNIT_WEIGHTS; e++) dot = fma(w[c].q[e], xs[e], dot);
                uint at = c * PADDED_ROWS + r;
                acc[at] = fma(w[c].scale, dot, acc[at]);
#ifdef VEER_WEIGHT_HAS_BIAS
                acc[at] = fma(w[c].bias, xSum, acc[at]);
#endif
            }
        }
#endif
    }

    for (uint c = 0u; c < COLUMNS_PER_LANE; c++) {
        uint column = ownColumn + c;
        for (uint r0 = 0u; r0 < PADDED_ROWS; r0 += 4u) {
            uint at = c * PADDED_ROWS + r0;
            vec4 sums = vec4(acc[at], acc[at + 1u], acc[at + 2u], acc[at + 3u]);
            // LANES = 1 (CPU devices): nothing to reduce. The condition is a specialization constant, so the driver
            // drops the barriers, which CPU implementations pay dearly for.
            if (LANES > 1u) sums = veerSegmentReduce(sums, LANES, VEER_OP_SUM);
            if (lane == 0u && column < p.colCount) {
                for (uint j = 0u; j < 4u; j++) {
                    uint row = rowTile + r0 + j;
                    if (r0 + j < ROWS && row < p.rows) y[p.yOffset + row * p.n + p.colBase + column] = sums[j];
                }
            }
        }
    }
}
