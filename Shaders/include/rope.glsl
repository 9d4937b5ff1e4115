// The rotation of one RoPE pair (GGUF `llama` / GGML NORM mode), shared by rope.comp and rope_store.comp so that both
// give the same bits: pair i of a head turns by theta = pos * freqScale * freqBase^(-2i/nRot).
//
// Accuracy: theta reaches thousands of radians. Its rounding error (an exact fma residual) is carried into the
// range reduction of veerSinCos, so sin and cos are those of the correctly computed product; the built-in sin/cos
// guarantee nothing outside [-pi, pi].
#ifndef VEER_ROPE_GLSL
#define VEER_ROPE_GLSL

#include "veer_math.glsl"

// (x0, x1) of pair i rotated for `position`.
vec2 veerRopeRotate(vec2 pair, int position, uint i, uint nRot, float freqBase, float freqScale) {
    float pos = float(position);
    float freq = freqScale * exp2(-float(2u * i) / float(nRot) * log2(freqBase));
    float theta = pos * freq;
    float residual = fma(pos, freq, -theta);   // exact: theta + residual == pos * freq
    vec2 sc = veerSinCos(theta, residual);
    return vec2(pair.x * sc.y - pair.y * sc.x, pair.x * sc.x + pair.y * sc.y);
}

#endif
