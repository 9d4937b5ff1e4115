#version 450
// y[rows, n] = x[rows, k] . W^T for prefill: a ROWS x (column groups x COLUMNS) output tile per workgroup, each lane
// group computing COLUMNS columns of ROWS rows, so every loaded weight unit serves ROWS rows and every x value
// COLUMNS columns. With VEER_STAGE_X the workgroup first copies a chunk of its ROWS rows of x into shared memory,
// which all its lane groups then read (GPUs: one global read of x per workgroup instead of one per lane group);
// without it each invocation reads x from the buffer (CPU implementations, where shared memory is ordinary memory
// and each barrier a switch between coroutines).
//
// Determinism: every output element y[r, j] is computed exactly as Shaders/matmul.comp computes it (the matvec used
// for decode): lane l of column j's LANES lanes accumulates units l, l + LANES, ... of row j in ascending order with
// the same explicit fma steps, and the LANES partial sums meet in reduce.glsl's fixed tree. Chunks only split the
// ascending walk over units (a unit never straddles two chunks), and ROWS and COLUMNS only decide which elements
// share loads. So a row is bit-identical whether it runs here, in matmul.comp's multi-row variant or in the matvec,
// as long as LANES (a specialization constant the backend keeps fixed) is the same.
//
// Variants (Shaders/variants.txt): WEIGHT_TYPE, ROWS, COLUMNS, VEER_STAGE_X, VEER_SUBGROUPS.
// Workgroup: LANES * (lane groups) invocations; grid: (column groups folded over x, y) x (row tiles on z).
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint LANES = 32u;   // lanes per output column; fixes the reduction tree
// minStorageBufferOffsetAlignment: as in matmul.comp, a split weight's run starts (colBase * rowBytes) %
// BINDING_ALIGN bytes into its binding.
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

#if !defined(ROWS) || !defined(COLUMNS)
#error "define ROWS (rows per workgroup) and COLUMNS (columns per lane group)"
#endif
const uint PADDED_ROWS = (ROWS + 3u) / 4u * 4u;   // partial sums are reduced four at a time (vec4)

#ifdef VEER_STAGE_X
// k values of x per chunk: a multiple of 32, so no unit (at most a quarter of a 32-weight block, or 8 weights of a
// K type's sub-block) straddles chunks.
const uint CHUNK_K = 128u;
shared float xTile[ROWS * CHUNK_K];   // [row of the tile][k - chunk start]
#endif

void main() {
    const uint columnsPerGroup = gl_WorkGroupSize.x / LANES * COLUMNS;
    uint lid = gl_LocalInvocationID.x;
    uint lane = lid % LANES;
    uint firstColumn = veerFlatGroup() * columnsPerGroup;
    if (firstColumn >= p.colCount) return;   // surplus group of the folded grid (uniform: no barrier skipped)
    uint ownColumn = firstColumn + (lid / LANES) * COLUMNS;
    // Lanes of a missing column (last group) recompute the last column and store nothing: barriers stay uniform.
    uint rowBytes = weightRowBytes(p.k);
    uint skew = (p.colBase * rowBytes) % BINDING_ALIGN;
    uint rowByte[COLUMNS];
    for (uint c = 0u; c < COLUMNS; c++) rowByte[c] = skew + min(ownColumn + c, p.colCount - 1u) * rowBytes;

    uint rowTile = gl_WorkGroupID.z * ROWS;
    uint xRow[ROWS];   // where row r of the tile starts in x (rows past the batch repeat its last row)
    for (uint r = 0u; r < ROWS; r++) xRow[r] = p.xOffset + min(rowTile + r, p.rows - 1u) * p.k;

    float acc[COLUMNS * PADDED_ROWS];   // [column][row]
    for (uint i = 0u; i < COLUMNS * PADDED_ROWS; i++) acc[i] = 0.0;

    uint units = weightUnits(p.k);
#ifdef VEER_STAGE_X
    const uint chunkUnits = CHUNK_K / UNIT_WEIGHTS;
    for (uint chunkStart = 0u; chunkStart < units; chunkStart += chunkUnits) {
        uint k0 = chunkStart * UNIT_WEIGHTS;
        uint chunkK = min(CHUNK_K, p.k - k0);
        barrier();   // the previous chunk's reads are done
        for (uint i = lid; i < ROWS * CHUNK_K; i += gl_WorkGroupSize.x) {
            uint r = i / CHUNK_K, kk = i % CHUNK_K;
            if (kk < chunkK) xTile[i] = x[xRow[r] + k0 + kk];
        }
        barrier();
        uint chunkEnd = min(units, chunkStart + chunkUnits);
#define X_AT(r, kk) xTile[(r) * CHUNK_K + (kk) - k0]
        // This lane's units are those with u % LANES == lane, as in matmul.comp: the first one in this chunk.
        uint firstUnit = chunkStart + (lane + LANES - chunkStart % LANES) % LANES;
        for (uint u = firstUnit; u < chunkEnd; u += LANES) {
#else
#define X_AT(r, kk) x[xRow[r] + (kk)]
    {
        for (uint u = lane; u < units; u += LANES) {
#endif
            WeightUnit w[COLUMNS];
            for (uint c = 0u; c < COLUMNS; c++) w[c] = loadWeightUnit(rowByte[c], u, p.k);
#ifdef VEER_FLOAT_WEIGHTS
            for (uint e = 0u; e < UNIT_WEIGHTS; e++) {
                uint kk = weightUnitK(u, e);
                if (kk < p.k) {
                    for (uint r = 0u; r < ROWS; r++) {
                        float xv = X_AT(r, kk);
                        for (uint c = 0u; c < COLUMNS; c++) {
                            acc[c * PADDED_ROWS + r] = fma(w[c].q[e], xv, acc[c * PADDED_ROWS + r]);
                        }
                    }
                }
            }
#else
            // sum_e (scale*q_e + bias) * x_e = scale * sum_e q_e*x_e + bias * sum_e x_e, as in matmul.comp
            for (uint r = 0u; r < ROWS; r++) {
                float xs[UNIT_WEIGHTS];
                float xSum = 0.0;
                for (uint e = 0u; e < UNIT_WEIGHTS; e++) {
                    xs[e] = X_AT(r, weightUnitK(u, e));
                    xSum += xs[e];
                }
                for (uint c = 0u; c < COLUMNS; c++) {
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
    }

    for (uint c = 0u; c < COLUMNS; c++) {
        uint column = ownColumn + c;
        for (uint r0 = 0u; r0 < PADDED_ROWS; r0 += 4u) {
            uint at = c * PADDED_ROWS + r0;
            vec4 sums = vec4(acc[at], acc[at + 1u], acc[at + 2u], acc[at + 3u]);
            // LANES = 1: nothing to reduce, and the specialization constant lets the driver drop the barriers.
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
