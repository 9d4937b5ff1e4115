// The rotation of one RoPE pair, shared by rope.comp and rope_store.comp so that both give the same bits: pair i of
// a head turns by theta = pos * freq, freq = freqScale * freqBase^(-2i/nRot), divided by freqFactors[i] when the
// push says there are factors (Llama 3). Which two dims form pair i (VEER_ROPE_ADJACENT or VEER_ROPE_NEOX) is
// veerRopeDims'.
//
// Accuracy: theta reaches thousands of radians. Its rounding error (an exact fma residual) is carried into the
// range reduction of veerSinCos, so sin and cos are those of the correctly computed product; the built-in sin/cos
// guarantee nothing outside [-pi, pi].
#ifndef VEER_ROPE_GLSL
#define VEER_ROPE_GLSL

#include "veer_math.glsl"

// freqScale * freqBase^(-2i/nRot): the angle pair i turns by per position, before any frequency factor.
float veerRopeFrequency(uint i, uint nRot, float freqBase, float freqScale) {
    return freqScale * exp2(-float(2u * i) / float(nRot) * log2(freqBase));
}

// (x0, x1) of a pair rotated for `position` at frequency `freq`.
vec2 veerRopeTurn(vec2 pair, int position, float freq) {
    float pos = float(position);
    float theta = pos * freq;
    float residual = fma(pos, freq, -theta);   // exact: theta + residual == pos * freq
    vec2 sc = veerSinCos(theta, residual);
    return vec2(pair.x * sc.y - pair.y * sc.x, pair.x * sc.x + pair.y * sc.y);
}

// The offsets within a head of the two dims of rotated pair i (i < nRot/2).
uvec2 veerRopeDims(uint i, uint nRot, uint style) {
    return style == VEER_ROPE_NEOX ? uvec2(i, i + nRot / 2u) : uvec2(2u * i, 2u * i + 1u);
}

#endif
