// Transcendentals with known accuracy.
//
// Why not the built-ins: Vulkan only promises an absolute error of 2^-11 for sin/cos inside [-pi, pi] (nothing
// outside), 4096 ulp for atan, and tanh inherited from an exp formula that cancels near 0. RoPE angles reach
// thousands of radians and the Spherical rotation needs an accurate angle, so these few functions are computed
// here (Cephes single-precision polynomials, about 1-2 ulp) and give the same result on every device.
#ifndef VEER_MATH_GLSL
#define VEER_MATH_GLSL

const float VEER_PI = 3.14159265358979323846;
const float VEER_HALF_PI = 1.57079632679489661923;

float veerNaN() { return uintBitsToFloat(0x7FC00000u); }
float veerNegInf() { return uintBitsToFloat(0xFF800000u); }

// sin and cos of (hi + lo), where lo is a small correction (e.g. the rounding error of the product that gave hi).
// Range reduction by pi/2 in two parts: q * HALF_PI_HI is exact inside the fma and |x - q*HALF_PI_HI| is
// representable, so the reduced angle is accurate to the last bit for |x| up to about 1e5.
vec2 veerSinCos(float hi, float lo) {
    const float HALF_PI_HI = 1.57079637050628662109375;      // nearest float to pi/2
    const float HALF_PI_LO = -4.37113900018624283e-8;         // pi/2 - HALF_PI_HI
    float q = roundEven(hi * 0.636619772367581343);           // 2/pi
    float r = fma(-q, HALF_PI_HI, hi);
    r = fma(-q, HALF_PI_LO, r) + lo;
    float z = r * r;
    float s = fma(fma(fma(-1.9515295891e-4, z, 8.3321608736e-3), z, -1.6666654611e-1), z * r, r);
    float c = fma(fma(fma(2.443315711809948e-5, z, -1.388731625493765e-3), z, 4.166664568298827e-2), z * z,
                  fma(-0.5, z, 1.0));
    int quadrant = int(q) & 3;
    if (quadrant == 0) return vec2(s, c);
    if (quadrant == 1) return vec2(c, -s);
    if (quadrant == 2) return vec2(-s, -c);
    return vec2(-c, s);
}

// atan(t) for t in [0, 1].
float veerAtanUnit(float t) {
    float y0 = 0.0;
    if (t > 0.4142135623730950) {                             // tan(pi/8)
        y0 = 0.25 * VEER_PI;
        t = (t - 1.0) / (t + 1.0);
    }
    float z = t * t;
    float p = fma(fma(fma(8.05374449538e-2, z, -1.38776856032e-1), z, 1.99777106478e-1), z, -3.33329491539e-1);
    return y0 + fma(p * z, t, t);
}

// atan2(y, x) in [-pi, pi]; 0 for (0, 0).
float veerAtan2(float y, float x) {
    float ax = abs(x), ay = abs(y);
    if (ax == 0.0 && ay == 0.0) return 0.0;
    float a = ay <= ax ? veerAtanUnit(ay / ax) : VEER_HALF_PI - veerAtanUnit(ax / ay);
    if (x < 0.0) a = VEER_PI - a;
    return y < 0.0 ? -a : a;
}

float veerTanh(float x) {
    float a = abs(x);
    if (a < 0.625) {
        float z = x * x;
        float p = fma(fma(fma(fma(-5.70498872745e-3, z, 2.06390887954e-2), z, -5.37397155531e-2), z,
                          1.33314422036e-1), z, -3.33332819422e-1);
        return fma(p * z, x, x);
    }
    float r = 1.0 - 2.0 / (exp(2.0 * a) + 1.0);               // exp overflow gives 1, as it should
    return x < 0.0 ? -r : r;
}

#endif
