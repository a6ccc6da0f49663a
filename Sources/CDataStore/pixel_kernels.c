// Per-pixel colour kernels (see include/pixel_kernels.h). Every loop is branch-free so that the
// compiler vectorises it; `lo`/`hi` are the exact semantics of SSE/AVX min/max.
#include "pixel_kernels.h"

#include <math.h>

// No fused multiply-add contraction (the old -ffp-contract=off): results stay bit-identical to the
// Swift reference paths.
#pragma STDC FP_CONTRACT OFF

#define RTK_INLINE static inline __attribute__((always_inline))

RTK_INLINE float lo(float a, float b) { return a < b ? a : b; }
RTK_INLINE float hi(float a, float b) { return a > b ? a : b; }
RTK_INLINE float unit(float a) { return lo(hi(a, 0.0f), 1.0f); }

// The sextant offsets (0, 2, 4 for R, G, B maximal) plus 6 shift, wrapped into [1, 7).
RTK_INLINE float wrapped(float v) {
    float w = fmodf(v, 6.0f);
    if (w < 1.0f) w += 6.0f;
    if (w >= 7.0f) w -= 6.0f;
    return w;
}

// Branch-free hue shift of one pixel: with h in sextants (6 h in [0, 6)), V = max and
// V S = max - min = cr, torchvision's `_hsv2rgb` is c = V - cr clamp(t_c, 0, 1) with
// t_R = 2 - |h - 3|, t_G = max(1 - h, 2 - |h - 5|), t_B = max(2 - |h - 1|, h - 5), computed as
// clamp(V - cr t_c, min, V). h = offset + difference / cr lies in [0, 8): one wrap.
#define RTK_HUE_PIXEL(r, g, b, u, v, w)                                          \
    float mx = hi(r, hi(g, b)), mn = lo(r, lo(g, b));                            \
    float cr = mx - mn;                                                          \
    float inv = 1.0f / hi(cr, 1e-30f);                                           \
    int isR = mx == r, isG = mx == g;                                            \
    float num = isR ? g - b : (isG ? b - r : r - g);                             \
    float off = isR ? s0 : (isG ? s2 : s4);                                      \
    float h = num * inv + off;                                                   \
    h = h >= 6.0f ? h - 6.0f : h;                                                \
    float tr = 2.0f - fabsf(h - 3.0f);                                           \
    float tg = hi(1.0f - h, 2.0f - fabsf(h - 5.0f));                             \
    float tb = hi(2.0f - fabsf(h - 1.0f), h - 5.0f);                             \
    float u = lo(hi(mx - cr * tr, mn), mx);                                      \
    float v = lo(hi(mx - cr * tg, mn), mx);                                      \
    float w = lo(hi(mx - cr * tb, mn), mx);

// The shared shape of the three-channel kernels: `PIXEL` computes u, v, w from r, g, b; they go back
// into the planes (out == NULL) or, normalised per channel, into `out`. Two plain loops (restrict
// pointers) so that the compiler vectorises each.
#define RTK_RGB_MAP(x, n, out, mean, inv_std, ...)                                             \
    float *restrict pr = x, *restrict pg = x + n, *restrict pb = x + 2 * n;                   \
    if (out == 0) {                                                                            \
        for (long i = 0; i < n; i++) {                                                         \
            float r = pr[i], g = pg[i], b = pb[i];                                             \
            __VA_ARGS__                                                                        \
            pr[i] = u; pg[i] = v; pb[i] = w;                                                   \
        }                                                                                      \
        return;                                                                                \
    }                                                                                          \
    float *restrict o0 = out, *restrict o1 = out + n, *restrict o2 = out + 2 * n;             \
    const float m0 = mean[0], m1 = mean[1], m2 = mean[2], i0 = inv_std[0], i1 = inv_std[1], i2 = inv_std[2]; \
    for (long i = 0; i < n; i++) {                                                             \
        float r = pr[i], g = pg[i], b = pb[i];                                                 \
        __VA_ARGS__                                                                            \
        o0[i] = (u - m0) * i0; o1[i] = (v - m1) * i1; o2[i] = (w - m2) * i2;                   \
    }

RTK_INLINE void hue_body(float *x, long n, float shift, float *out, const float *mean, const float *inv_std) {
    const float s0 = wrapped(shift * 6.0f), s2 = wrapped(2.0f + shift * 6.0f), s4 = wrapped(4.0f + shift * 6.0f);
    RTK_RGB_MAP(x, n, out, mean, inv_std, RTK_HUE_PIXEL(r, g, b, u, v, w))
}

RTK_INLINE void saturate_body(float *x, long n, float f, float *out, const float *mean, const float *inv_std) {
    const float k = 1.0f - f;
    RTK_RGB_MAP(x, n, out, mean, inv_std,
                float gray = k * (0.2989f * r + 0.587f * g + 0.114f * b);
                float u = unit(f * r + gray), v = unit(f * g + gray), w = unit(f * b + gray);)
}

RTK_INLINE void affine_body(float *x, long n, int channels, float a, float b, float *out, const float *mean, const float *inv_std) {
    if (out == 0) {
        float *restrict p = x;
        for (long i = 0; i < n * channels; i++) p[i] = unit(a * p[i] + b);
        return;
    }
    for (int c = 0; c < channels; c++) {
        const float *restrict p = x + c * n;
        float *restrict o = out + c * n;
        const float m = mean[c], s = inv_std[c];
        for (long i = 0; i < n; i++) o[i] = (unit(a * p[i] + b) - m) * s;
    }
}

RTK_INLINE void grayscale_body(float *x, long n, float *out, const float *mean, const float *inv_std) {
    RTK_RGB_MAP(x, n, out, mean, inv_std, float u = 0.2989f * r + 0.587f * g + 0.114f * b; float v = u, w = u;)
}

static void grayscale_base(float *x, long n, float *out, const float *m, const float *s) { grayscale_body(x, n, out, m, s); }
static void hue_base(float *x, long n, float shift, float *out, const float *m, const float *s) { hue_body(x, n, shift, out, m, s); }
static void saturate_base(float *x, long n, float f, float *out, const float *m, const float *s) { saturate_body(x, n, f, out, m, s); }
static void affine_base(float *x, long n, int c, float a, float b, float *out, const float *m, const float *s) { affine_body(x, n, c, a, b, out, m, s); }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define RTK_AVX2 __attribute__((target("avx2")))
RTK_AVX2 static void grayscale_avx2(float *x, long n, float *out, const float *m, const float *s) { grayscale_body(x, n, out, m, s); }
RTK_AVX2 static void hue_avx2(float *x, long n, float shift, float *out, const float *m, const float *s) { hue_body(x, n, shift, out, m, s); }
RTK_AVX2 static void saturate_avx2(float *x, long n, float f, float *out, const float *m, const float *s) { saturate_body(x, n, f, out, m, s); }
RTK_AVX2 static void affine_avx2(float *x, long n, int c, float a, float b, float *out, const float *m, const float *s) { affine_body(x, n, c, a, b, out, m, s); }

// AVX-512 (full width on AMD Zen 5 and Intel server cores): the same loops, sixteen lanes.
#define RTK_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq")))
RTK_AVX512 static void grayscale_avx512(float *x, long n, float *out, const float *m, const float *s) { grayscale_body(x, n, out, m, s); }
RTK_AVX512 static void hue_avx512(float *x, long n, float shift, float *out, const float *m, const float *s) { hue_body(x, n, shift, out, m, s); }
RTK_AVX512 static void saturate_avx512(float *x, long n, float f, float *out, const float *m, const float *s) { saturate_body(x, n, f, out, m, s); }
RTK_AVX512 static void affine_avx512(float *x, long n, int c, float a, float b, float *out, const float *m, const float *s) { affine_body(x, n, c, a, b, out, m, s); }

int rtk_has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
}

int rtk_has_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") ? 1 : 0;
}
// `baseline`: 0 = the widest path the CPU has, 1 = the portable baseline, 2 = at most AVX2 (tests).
#define RTK_DISPATCH(name, ...) do { \
    if (baseline == 0 && rtk_has_avx512()) name##_avx512(__VA_ARGS__); \
    else if (baseline != 1 && rtk_has_avx2()) name##_avx2(__VA_ARGS__); \
    else name##_base(__VA_ARGS__); } while (0)
#else
int rtk_has_avx2(void) { return 0; }
int rtk_has_avx512(void) { return 0; }
#define RTK_DISPATCH(name, ...) do { (void)baseline; name##_base(__VA_ARGS__); } while (0)
#endif

void rtk_hue(float *x, long n, float shift, float *out, const float *mean, const float *inv_std, int baseline) {
    RTK_DISPATCH(hue, x, n, shift, out, mean, inv_std);
}

void rtk_saturate(float *x, long n, float factor, float *out, const float *mean, const float *inv_std, int baseline) {
    RTK_DISPATCH(saturate, x, n, factor, out, mean, inv_std);
}

void rtk_affine(float *x, long n, int channels, float a, float b, float *out, const float *mean, const float *inv_std, int baseline) {
    RTK_DISPATCH(affine, x, n, channels, a, b, out, mean, inv_std);
}

void rtk_grayscale(float *x, long n, float *out, const float *mean, const float *inv_std, int baseline) {
    RTK_DISPATCH(grayscale, x, n, out, mean, inv_std);
}

// The gray mean in the order of the Swift loop it replaced (`ColorOps.grayMean`): per channel,
// four 4-lane accumulators a0..a3 over blocks of 16 values (a_k takes values 4k..4k+3 of each
// block), then ((a0 + a1) + (a2 + a3)) summed lane 0 to 3, the remaining values added in order;
// s = 0 + w0 sum0 (+ w1 sum1 + w2 sum2), divided by n. The AVX2 path holds a0|a1 and a2|a3 in two
// 8-lane registers: the same additions per lane.
// One channel's weighted share of the gray sum: the four lane sums t in order, then the values
// p[i..<n] the 16-value blocks left over, times the channel's grayscale weight.
RTK_INLINE float gray_channel_term(const float t[4], const float *p, long i, long n, int c, int channels) {
    float sc = -0.0f;
    for (int l = 0; l < 4; l++) sc += t[l];
    for (; i < n; i++) sc += p[i];
    float w = channels == 1 ? 1.0f : (c == 0 ? 0.2989f : (c == 1 ? 0.587f : 0.114f));
    return w * sc;
}

static float gray_mean_base(const float *x, long n, int channels) {
    float s = 0.0f;
    for (int c = 0; c < channels; c++) {
        const float *p = x + c * n;
        float a[16] = {0};
        long i = 0;
        for (; i + 16 <= n; i += 16)
            for (int k = 0; k < 16; k++) a[k] += p[i + k];
        float t[4];
        for (int l = 0; l < 4; l++) t[l] = (a[l] + a[4 + l]) + (a[8 + l] + a[12 + l]);
        s += gray_channel_term(t, p, i, n, c, channels);
    }
    return s / (float)n;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
RTK_AVX2 static float gray_mean_avx2(const float *x, long n, int channels) {
    float s = 0.0f;
    for (int c = 0; c < channels; c++) {
        const float *p = x + c * n;
        __m256 a01 = _mm256_setzero_ps(), a23 = _mm256_setzero_ps();
        long i = 0;
        for (; i + 16 <= n; i += 16) {
            a01 = _mm256_add_ps(a01, _mm256_loadu_ps(p + i));
            a23 = _mm256_add_ps(a23, _mm256_loadu_ps(p + i + 8));
        }
        __m128 t = _mm_add_ps(_mm_add_ps(_mm256_castps256_ps128(a01), _mm256_extractf128_ps(a01, 1)),
                              _mm_add_ps(_mm256_castps256_ps128(a23), _mm256_extractf128_ps(a23, 1)));
        float l[4];
        _mm_storeu_ps(l, t);
        s += gray_channel_term(l, p, i, n, c, channels);
    }
    return s / (float)n;
}
#endif

float rtk_gray_mean(const float *x, long n, int channels, int baseline) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (baseline != 1 && rtk_has_avx2()) return gray_mean_avx2(x, n, channels);
#endif
    (void)baseline;
    return gray_mean_base(x, n, channels);
}
