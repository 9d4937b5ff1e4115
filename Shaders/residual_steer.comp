#version 450
// The fused residual update with steering, one workgroup per row of x[rows, width] (KernelABI and
// steering-methods.md sections 0, 2.2, 2.3, 4):
//   every row:                 x += f(delta), f(delta)[i] = delta[i] * (1 + deltaUnitAlpha * b) on the sequence's
//                              delta unit list when the row has VEER_ROW_EDIT_DELTA, delta[i] elsewhere;
//   rows with VEER_ROW_STEER:  g, in this order: ADD x += addAlpha * vectors[addVector];
//                              UNITS x[i] *= 1 + unitAlpha * b over the unit list;
//                              SPHERICAL: Slerp toward mu = vectors[sphMu] with the vMF gate (kappa, beta, alpha).
// With writeTrace, trace[r] = [t, normBefore, normAfter, c] (t = 0 and equal norms when not rotated).
//
// HEADS_EDIT (the heads_edit variant): no delta, no trace, g limited to ADD and UNITS; the tables start at
// binding 1.
//
// Phases: the dense update (delta and ADD) runs lane-strided; the sparse unit lists run lane-strided over their
// entries (unique indices, host-validated) after a buffer barrier, since another lane owns the element. The delta
// unit scaling is applied as x[i] += delta[i] * deltaUnitAlpha * b after the dense x[i] += delta[i]: the same sum.
// Norms and dot products are lane-strided fma sums meeting in the fixed tree of reduce.glsl: the result depends only
// on the row. The angle comes from atan2 (accurate near 0 and pi, unlike acos); the antipodal and zero-norm guards
// keep every output finite.
#include "veer_kernel_abi.h"

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { VeerResidualSteerPush p; };

// coherent: the sparse phases read and write elements that other lanes of the workgroup wrote.
layout(std430, binding = 0) coherent buffer X { float x[]; };                    // [rows, width]
#ifdef HEADS_EDIT
#define TABLES 1
#else
layout(std430, binding = 1) readonly buffer Delta { float delta[]; };            // [rows, width]
#define TABLES 2
#endif
layout(std430, binding = TABLES + 0) readonly buffer RowSeq { int rowSeq[]; };         // [rows]
layout(std430, binding = TABLES + 1) readonly buffer RowFlags { uint rowFlags[]; };    // [rows]
layout(std430, binding = TABLES + 2) readonly buffer SeqParams { VeerSteerSeqParams seqParams[]; };
layout(std430, binding = TABLES + 3) readonly buffer Vectors { float vectors[]; };     // [nVectors, width]
layout(std430, binding = TABLES + 4) readonly buffer UnitIndex { uint unitIndex[]; };  // [M]
layout(std430, binding = TABLES + 5) readonly buffer UnitCoef { float unitCoef[]; };   // [M]
#ifndef HEADS_EDIT
layout(std430, binding = TABLES + 6) writeonly buffer Trace { float trace[]; };       // [rows, 4]
#endif

#include "reduce.glsl"
#include "grid.glsl"
#include "veer_math.glsl"

// Makes this lane's writes to x visible to the other lanes of the workgroup, and waits for theirs.
void syncRow() {
    memoryBarrierBuffer();
    barrier();
}

#ifndef HEADS_EDIT
// Component i of the part of x/n orthogonal to mu: the same expression wherever it is needed, so the rotation
// uses exactly the vector whose norm it measured.
float perpendicular(float xi, float n, float c, float mui) { return fma(-c, mui, xi / n); }
#endif

void main() {
    uint row = veerFlatGroup();
    if (row >= p.rows) return;
    const uint W = gl_WorkGroupSize.x;
    uint lid = gl_LocalInvocationID.x;
    uint width = p.width;
    uint base = row * width;

    VeerSteerSeqParams sp = seqParams[rowSeq[row]];
    uint flags = rowFlags[row];
    uint kinds = (flags & VEER_ROW_STEER) != 0u ? sp.flags : 0u;
#ifdef HEADS_EDIT
    kinds &= VEER_STEER_ADD | VEER_STEER_UNITS;
    const bool hasDelta = false;
    const bool writeTrace = false;
#else
    bool hasDelta = p.hasDelta != 0u;
    bool writeTrace = p.writeTrace != 0u;
#endif
    bool add = (kinds & VEER_STEER_ADD) != 0u;
    bool units = (kinds & VEER_STEER_UNITS) != 0u && sp.unitCount > 0u;
    bool editDelta = hasDelta && (flags & VEER_ROW_EDIT_DELTA) != 0u
        && (sp.flags & VEER_STEER_DELTA_UNITS) != 0u && sp.deltaUnitCount > 0u;
    if (!hasDelta && kinds == 0u && !writeTrace) return;   // uniform: nothing to do for this row

    // Dense phase: x += delta, then ADD.
    if (hasDelta || add) {
        uint addBase = sp.addVector * width;
        for (uint i = lid; i < width; i += W) {
            float v = x[base + i];
#ifndef HEADS_EDIT
            if (hasDelta) v += delta[base + i];
#endif
            if (add) v = fma(sp.addAlpha, vectors[addBase + i], v);
            x[base + i] = v;
        }
    }
#ifndef HEADS_EDIT
    // f: the listed delta elements get their extra deltaUnitAlpha * b share.
    if (editDelta) {
        syncRow();
        for (uint j = lid; j < sp.deltaUnitCount; j += W) {
            uint i = base + unitIndex[sp.deltaUnitOffset + j];
            x[i] = fma(delta[i], sp.deltaUnitAlpha * unitCoef[sp.deltaUnitOffset + j], x[i]);
        }
    }
#endif
    if (units) {
        syncRow();
        for (uint j = lid; j < sp.unitCount; j += W) {
            uint i = base + unitIndex[sp.unitOffset + j];
            x[i] *= fma(sp.unitAlpha, unitCoef[sp.unitOffset + j], 1.0);
        }
    }

#ifndef HEADS_EDIT
    bool spherical = (kinds & VEER_STEER_SPHERICAL) != 0u;
    if (!spherical && !writeTrace) return;
    syncRow();
    uint muBase = sp.sphMu * width;
    float squares = 0.0, xDotMu = 0.0, muSquares = 0.0;
    for (uint i = lid; i < width; i += W) {
        float v = x[base + i];
        squares = fma(v, v, squares);
        if (spherical) {
            float m = vectors[muBase + i];
            xDotMu = fma(v, m, xDotMu);
            muSquares = fma(m, m, muSquares);
        }
    }
    vec4 sums = veerWorkgroupSum(vec4(squares, xDotMu, muSquares, 0.0));
    float n = sqrt(sums.x);
    float t = 0.0, c = 0.0, normAfter = n;
    if (spherical && n > 0.0) {
        c = clamp(sums.y / n, -1.0, 1.0);
        float gate = -veerTanh(sp.sphKappa * c);
        float strength = gate > sp.sphBeta ? clamp(sp.sphAlpha * (gate - sp.sphBeta) / (1.0 - sp.sphBeta), 0.0, 1.0) : 0.0;
        if (strength > 0.0) {
            float perpSquares = 0.0;
            for (uint i = lid; i < width; i += W) {
                float e = perpendicular(x[base + i], n, c, vectors[muBase + i]);
                perpSquares = fma(e, e, perpSquares);
            }
            float s = sqrt(veerWorkgroupSum(perpSquares));
            float theta = veerAtan2(s, c);
            if (theta >= 1e-4) {
                // u: unit vector orthogonal to mu in the rotation plane. Near theta = pi that plane is undefined
                // (perp ~ 0); any u orthogonal to mu is a geodesic, so take e_k minus its mu part, with k the index
                // of the smallest |mu[k]| (lowest k on ties): ||e_k - mu[k] mu||^2 = 1 - mu[k]^2 (2 - ||mu||^2).
                bool antipodal = VEER_PI - theta < 1e-4;
                uint kMin = 0u;
                float muK = 0.0, uNorm = s;
                if (antipodal) {
                    vec4 best = vec4(3.0e38, 3.0e38, 0.0, 0.0);
                    for (uint i = lid; i < width; i += W) {
                        float key = abs(vectors[muBase + i]);
                        if (key < best.x) best.xy = vec2(key, float(i));
                    }
                    best = veerSegmentReduce(best, W, VEER_OP_ARGMIN);
                    kMin = uint(best.y);
                    muK = vectors[muBase + kMin];
                    uNorm = sqrt(max(1.0 - muK * muK * (2.0 - sums.z), 0.0));
                }
                vec2 sc = veerSinCos((1.0 - strength) * theta, 0.0);
                float newSquares = 0.0;
                for (uint i = lid; i < width; i += W) {
                    float m = vectors[muBase + i];
                    float u = antipodal ? ((i == kMin ? 1.0 : 0.0) - muK * m) / uNorm
                                        : perpendicular(x[base + i], n, c, m) / s;
                    float v = n * fma(sc.y, m, sc.x * u);
                    x[base + i] = v;
                    newSquares = fma(v, v, newSquares);
                }
                t = strength;
                if (writeTrace) normAfter = sqrt(veerWorkgroupSum(newSquares));
            }
        }
    }
    if (writeTrace && lid == 0u) {
        trace[row * VEER_TRACE_WIDTH + 0u] = t;
        trace[row * VEER_TRACE_WIDTH + 1u] = n;
        trace[row * VEER_TRACE_WIDTH + 2u] = normAfter;
        trace[row * VEER_TRACE_WIDTH + 3u] = c;
    }
#endif
}
