// Shared by argmax and topk: scanning a row for its largest value under the total order
// (larger value first, then lower index), and flagging rows that hold NaN or +-inf.
//
// A candidate is vec4(value, index, nonFinite, 0) as VEER_OP_ARGMAX in reduce.glsl combines it. Indices travel as
// floats, exact below 2^24 (the host rejects wider rows).
#ifndef VEER_SELECT_GLSL
#define VEER_SELECT_GLSL

const float VEER_NO_INDEX = 3.0e38;   // loses every tie, so a lane with no candidate never wins

vec4 veerNoCandidate() { return vec4(uintBitsToFloat(0xFF800000u), VEER_NO_INDEX, 0.0, 0.0); }

// Whether (v, i) comes after (pv, pi) in the order, i.e. was not yet selected by an earlier topk round.
bool veerRanksAfter(float v, float i, float pv, float pi) { return v < pv || (v == pv && i > pi); }

#endif
