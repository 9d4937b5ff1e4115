// Fixed-order tree reductions over the lanes of a workgroup, or of aligned power-of-two segments of it.
//
// Why a fixed tree: Veer requires a row's result to be bit-identical alone or in a batch, and across the matvec and
// multi-row matmul variants. Every reduction here runs the same binary tree, whatever the variant:
//   stage s = n/2, n/4, ..., 1:  lane t (t < s) combines its value with lane t + s.
// The subgroup variant (VEER_SUBGROUPS) runs the stages with s < subgroup size as xor shuffles. The shuffle pairs
// lane t with lane t ^ s = t + s (for t < s), the very pair of the shared-memory stage, and addition, max and the
// arg-comparisons are commutative, so both variants give the same bits. Only the barriers go away.
//
// The shuffle path assumes what every current driver does for 1D workgroups: subgroup i holds local invocations
// [i * gl_SubgroupSize, (i + 1) * gl_SubgroupSize).
//
// Values are vec4 so one pass reduces up to four independent quantities (component-wise, same tree per component).
// Every lane of the workgroup must call these functions (they contain barriers): keep them in uniform control flow.
#ifndef VEER_REDUCE_GLSL
#define VEER_REDUCE_GLSL

#ifdef VEER_SUBGROUPS
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_shuffle : require
#endif

#define VEER_OP_SUM 0u
// Component-wise maximum that propagates NaN (GLSL's max() leaves NaN undefined).
#define VEER_OP_MAX 1u
// (value, index, flag, -): the larger value wins, ties go to the lower index; flag is OR-ed (max of 0/1).
#define VEER_OP_ARGMAX 2u
// (key, index, -, -): the smaller key wins, ties go to the lower index.
#define VEER_OP_ARGMIN 3u

shared vec4 veerReduceScratch[gl_WorkGroupSize.x];

float veerMaxNaN(float a, float b) { return (isnan(a) || a > b) ? a : b; }

// `a` is the value of the lower lane. In both variants the lanes whose values survive a stage (t < s) pass their
// own value as `a` and lane t + s's as `b`, so even max(-0, +0) resolves the same way.
vec4 veerCombine(vec4 a, vec4 b, uint op) {
    if (op == VEER_OP_SUM) return a + b;
    if (op == VEER_OP_MAX) {
        return vec4(veerMaxNaN(a.x, b.x), veerMaxNaN(a.y, b.y), veerMaxNaN(a.z, b.z), veerMaxNaN(a.w, b.w));
    }
    if (op == VEER_OP_ARGMAX) {
        bool takeB = b.x > a.x || (b.x == a.x && b.y < a.y);
        vec4 r = takeB ? b : a;
        r.z = max(a.z, b.z);
        return r;
    }
    bool takeB = b.x < a.x || (b.x == a.x && b.y < a.y);
    return takeB ? b : a;
}

// Reduces `v` over each aligned segment of `segLanes` lanes (a power of two dividing the workgroup size) and returns
// the segment's result to every lane of the segment.
vec4 veerSegmentReduce(vec4 v, uint segLanes, uint op) {
    uint lid = gl_LocalInvocationID.x;
    uint segStart = lid & ~(segLanes - 1u);
    uint t = lid - segStart;
#ifdef VEER_SUBGROUPS
    uint sg = gl_SubgroupSize;
    if (segLanes > sg) {
        veerReduceScratch[lid] = v;
        barrier();
        for (uint s = segLanes >> 1; s >= sg; s >>= 1) {
            if (t < s) veerReduceScratch[lid] = veerCombine(veerReduceScratch[lid], veerReduceScratch[lid + s], op);
            barrier();
        }
        v = veerReduceScratch[lid];
        barrier();
    }
    for (uint s = min(segLanes, sg) >> 1; s > 0u; s >>= 1) {
        v = veerCombine(v, subgroupShuffleXor(v, s), op);
    }
    if (t == 0u) veerReduceScratch[segStart] = v;
    barrier();
    v = veerReduceScratch[segStart];
    barrier();
    return v;
#else
    veerReduceScratch[lid] = v;
    barrier();
    for (uint s = segLanes >> 1; s > 0u; s >>= 1) {
        if (t < s) veerReduceScratch[lid] = veerCombine(veerReduceScratch[lid], veerReduceScratch[lid + s], op);
        barrier();
    }
    v = veerReduceScratch[segStart];
    barrier();
    return v;
#endif
}

// Whole-workgroup shorthands.
vec4 veerWorkgroupSum(vec4 v) { return veerSegmentReduce(v, gl_WorkGroupSize.x, VEER_OP_SUM); }
float veerWorkgroupSum(float v) { return veerSegmentReduce(vec4(v, 0.0, 0.0, 0.0), gl_WorkGroupSize.x, VEER_OP_SUM).x; }
float veerWorkgroupMax(float v) { return veerSegmentReduce(vec4(v, 0.0, 0.0, 0.0), gl_WorkGroupSize.x, VEER_OP_MAX).x; }

#endif
