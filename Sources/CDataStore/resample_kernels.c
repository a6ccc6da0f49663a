// Separable resize kernels (see include/resample_kernels.h). Both passes run on planar float rows:
// the horizontal one takes each group of 8 outputs from one 8-float load per tap (a lane permute:
// upscaling taps of 8 consecutive outputs start within 8 consecutive inputs), the vertical one is
// a plain weighted sum of rows. The arithmetic per output is that of the Swift path: for each pass
// acc = w0 * in0, acc = acc + w1 * in1; the rounding ((v + 1.5 * 2^23) - 1.5 * 2^23) * a + b.
#include "resample_kernels.h"

#include <string.h>

// No fused multiply-add contraction (the old -ffp-contract=off): results stay bit-identical to the
// Swift reference paths.
#pragma STDC FP_CONTRACT OFF

#define RTK_INLINE static inline __attribute__((always_inline))
#define ROUNDER 12582912.0f

RTK_INLINE long pad8(long n) { return (n + 7) & ~7L; }
RTK_INLINE long row_len(int cols) { return pad8(cols) + 16; }

long rtk_resample_scratch(int channels, int rows, int cols, int out_h, int out_w) {
    long planes = (long)channels * (rows + 1) * row_len(cols);          // converted input rows (+1 zero row)
    long mid_h = (long)channels * (rows + 1) * (pad8(out_w) + 16);      // horizontal first: rows x out_w
    long mid_v = (long)channels * out_h * row_len(cols);               // vertical first: out_h x cols
    long mid = mid_h > mid_v ? mid_h : mid_v;
    return planes + mid + pad8(out_w) + 16;
}

// ---- baseline (portable C) ----

RTK_INLINE void convert_base(const uint8_t *s, int channels, int cols, float *const *planes) {
    for (int x = 0; x < cols; x++)
        for (int c = 0; c < channels; c++) planes[c][x] = (float)s[x * channels + c];
}

RTK_INLINE void hpass_base(const float *row, const rtk_axis_taps *t, float *out, int finish, float a, float b) {
    long n = pad8(t->count);
    for (long o = 0; o < n; o++) {
        const float *p = row + t->group_base[o >> 3] + t->lane[o];
        float v = t->w0[o] * p[0];
        if (t->taps == 2) v = v + t->w1[o] * p[1];
        out[o] = finish ? ((v + ROUNDER) - ROUNDER) * a + b : v;
    }
}

RTK_INLINE void vpass_base(const float *r0, const float *r1, float w0, float w1, int taps, long n, float *out, int finish, float a, float b) {
    for (long i = 0; i < n; i++) {
        float v = w0 * r0[i];
        if (taps == 2) v = v + w1 * r1[i];
        out[i] = finish ? ((v + ROUNDER) - ROUNDER) * a + b : v;
    }
}

#define RTK_RESAMPLE_BODY(convert, hpass, vpass)                                                              \
    const int C = channels, rows = y->inputs, cols = x->inputs, oh = y->count, ow = x->count;              \
    const long rl = row_len(cols), ml = pad8(ow) + 16, n = (long)oh * ow;                                   \
    float *in = scratch, *mid = scratch + (long)C * (rows + 1) * rl;                                        \
    float *tail = mid + ((long)C * (rows + 1) * ml > (long)C * oh * rl ? (long)C * (rows + 1) * ml : (long)C * oh * rl); \
    for (int r = 0; r < rows; r++) {                                                                        \
        float *planes[3];                                                                                   \
        for (int c = 0; c < C; c++) planes[c] = in + ((long)c * (rows + 1) + r) * rl;                      \
        convert(src + r * stride, C, cols, planes, readable - r * stride);                                  \
    }                                                                                                       \
    const int exact = (ow & 7) == 0;                                                                        \
    for (int c = 0; c < C; c++) {                                                                           \
        const float *pc = in + (long)c * (rows + 1) * rl;                                                  \
        float *o = dst + c * n;                                                                             \
        if (vertical_first) {                                                                               \
            float *v = mid + (long)c * oh * rl;                                                             \
            for (int r = 0; r < oh; r++) {                                                                  \
                const float *r0 = pc + (long)y->first[r] * rl;                                             \
                vpass(r0, r0 + rl, y->w0[r], y->w1[r], y->taps, pad8(cols), v + r * rl, 0, 0, 0);        \
                float *d = exact ? o + (long)r * ow : tail;                                                 \
                hpass(v + r * rl, x, d, 1, a[c], b[c]);                                                     \
                if (!exact) memcpy(o + (long)r * ow, tail, sizeof(float) * ow);                            \
            }                                                                                               \
        } else {                                                                                            \
            float *h = mid + (long)c * (rows + 1) * ml;                                                     \
            for (int r = 0; r < rows; r++) hpass(pc + r * rl, x, h + r * ml, 0, 0, 0);                     \
            for (int r = 0; r < oh; r++) {                                                                  \
                const float *r0 = h + (long)y->first[r] * ml;                                              \
                float *d = exact ? o + (long)r * ow : tail;                                                 \
                vpass(r0, r0 + ml, y->w0[r], y->w1[r], y->taps, pad8(ow), d, 1, a[c], b[c]);             \
                if (!exact) memcpy(o + (long)r * ow, tail, sizeof(float) * ow);                            \
            }                                                                                               \
        }                                                                                                   \
    }

RTK_INLINE void convert_base_r(const uint8_t *s, int C, int cols, float *const *planes, long readable) {
    (void)readable;
    convert_base(s, C, cols, planes);
}

static void resample_base(const uint8_t *src, long stride, long readable, int channels, const rtk_axis_taps *y, const rtk_axis_taps *x,
                          int vertical_first, const float *a, const float *b, float *dst, float *scratch) {
    RTK_RESAMPLE_BODY(convert_base_r, hpass_base, vpass_base)
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define RTK_AVX2 __attribute__((target("avx2")))

// uint8 HWC -> planar float, 8 pixels at a time while 24 (RGB) / 8 (gray) bytes are readable.
RTK_AVX2 RTK_INLINE void convert_avx2(const uint8_t *s, int C, int cols, float *const *planes, long readable) {
    int x = 0;
    if (C == 3) {
        const __m128i r0 = _mm_setr_epi8(0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
        const __m128i g0 = _mm_setr_epi8(1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
        const __m128i b0 = _mm_setr_epi8(2, 5, 8, 11, 14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
        const __m128i r1 = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, 2, 5, -1, -1, -1, -1, -1, -1, -1, -1);
        const __m128i g1 = _mm_setr_epi8(-1, -1, -1, -1, -1, 0, 3, 6, -1, -1, -1, -1, -1, -1, -1, -1);
        const __m128i b1 = _mm_setr_epi8(-1, -1, -1, -1, -1, 1, 4, 7, -1, -1, -1, -1, -1, -1, -1, -1);
        for (; x < cols && 3L * x + 24 <= readable; x += 8) {
            __m128i lo = _mm_loadu_si128((const __m128i *)(s + 3 * x));
            __m128i hi = _mm_loadl_epi64((const __m128i *)(s + 3 * x + 16));
            __m128i r = _mm_or_si128(_mm_shuffle_epi8(lo, r0), _mm_shuffle_epi8(hi, r1));
            __m128i g = _mm_or_si128(_mm_shuffle_epi8(lo, g0), _mm_shuffle_epi8(hi, g1));
            __m128i b = _mm_or_si128(_mm_shuffle_epi8(lo, b0), _mm_shuffle_epi8(hi, b1));
            _mm256_storeu_ps(planes[0] + x, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(r)));
            _mm256_storeu_ps(planes[1] + x, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(g)));
            _mm256_storeu_ps(planes[2] + x, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(b)));
        }
    } else {
        for (; x < cols && (long)x + 8 <= readable; x += 8) {
            __m128i v = _mm_loadl_epi64((const __m128i *)(s + x));
            _mm256_storeu_ps(planes[0] + x, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(v)));
        }
    }
    for (; x < cols; x++)
        for (int c = 0; c < C; c++) planes[c][x] = (float)s[x * C + c];
}

// The loops take the tap count and the rounding as compile-time constants (`hpass_avx2` and
// `vpass_avx2` dispatch once per row), so that nothing is reloaded or tested per vector.
#define RTK_FINISH8(v) _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(_mm256_add_ps(v, k), k), va), vb)

RTK_AVX2 RTK_INLINE void hpass_avx2_k(const float *row, const int32_t *restrict base, const int32_t *restrict lanes, const float *restrict w0,
                                      const float *restrict w1, long groups, float *restrict out, const int taps, const int finish, float a, float b) {
    const __m256 k = _mm256_set1_ps(ROUNDER), va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b);
    for (long g = 0; g < groups; g++) {
        const float *p = row + base[g];
        __m256i lane = _mm256_loadu_si256((const __m256i *)(lanes + 8 * g));
        __m256 v = _mm256_mul_ps(_mm256_loadu_ps(w0 + 8 * g), _mm256_permutevar8x32_ps(_mm256_loadu_ps(p), lane));
        if (taps == 2)
            v = _mm256_add_ps(v, _mm256_mul_ps(_mm256_loadu_ps(w1 + 8 * g), _mm256_permutevar8x32_ps(_mm256_loadu_ps(p + 1), lane)));
        if (finish) v = RTK_FINISH8(v);
        _mm256_storeu_ps(out + 8 * g, v);
    }
}

RTK_AVX2 RTK_INLINE void hpass_avx2(const float *row, const rtk_axis_taps *t, float *out, int finish, float a, float b) {
    const long groups = pad8(t->count) >> 3;
    const int32_t *base = t->group_base, *lanes = t->lane;
    const float *w0 = t->w0, *w1 = t->w1;
    if (t->taps == 2) {
        if (finish) hpass_avx2_k(row, base, lanes, w0, w1, groups, out, 2, 1, a, b);
        else hpass_avx2_k(row, base, lanes, w0, w1, groups, out, 2, 0, a, b);
    } else {
        if (finish) hpass_avx2_k(row, base, lanes, w0, w1, groups, out, 1, 1, a, b);
        else hpass_avx2_k(row, base, lanes, w0, w1, groups, out, 1, 0, a, b);
    }
}

RTK_AVX2 RTK_INLINE void vpass_avx2_k(const float *restrict r0, const float *restrict r1, float w0, float w1, long n, float *restrict out,
                                      const int taps, const int finish, float a, float b) {
    const __m256 k = _mm256_set1_ps(ROUNDER), va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b);
    const __m256 vw0 = _mm256_set1_ps(w0), vw1 = _mm256_set1_ps(w1);
    for (long i = 0; i < n; i += 8) {
        __m256 v = _mm256_mul_ps(vw0, _mm256_loadu_ps(r0 + i));
        if (taps == 2) v = _mm256_add_ps(v, _mm256_mul_ps(vw1, _mm256_loadu_ps(r1 + i)));
        if (finish) v = RTK_FINISH8(v);
        _mm256_storeu_ps(out + i, v);
    }
}

RTK_AVX2 RTK_INLINE void vpass_avx2(const float *r0, const float *r1, float w0, float w1, int taps, long n, float *out, int finish, float a, float b) {
    if (taps == 2) {
        if (finish) vpass_avx2_k(r0, r1, w0, w1, n, out, 2, 1, a, b);
        else vpass_avx2_k(r0, r1, w0, w1, n, out, 2, 0, a, b);
    } else {
        if (finish) vpass_avx2_k(r0, r1, w0, w1, n, out, 1, 1, a, b);
        else vpass_avx2_k(r0, r1, w0, w1, n, out, 1, 0, a, b);
    }
}

RTK_AVX2 static void resample_avx2(const uint8_t *src, long stride, long readable, int channels, const rtk_axis_taps *y, const rtk_axis_taps *x,
                                   int vertical_first, const float *a, const float *b, float *dst, float *scratch) {
    RTK_RESAMPLE_BODY(convert_avx2, hpass_avx2, vpass_avx2)
}

static int has_avx2(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    return cached;
}
#else
static int has_avx2(void) { return 0; }
#endif

void rtk_resample(const uint8_t *src, long stride, long readable, int channels, const rtk_axis_taps *y, const rtk_axis_taps *x,
                  int vertical_first, const float *a, const float *b, float *dst, float *scratch, int baseline) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (!baseline && has_avx2()) {
        resample_avx2(src, stride, readable, channels, y, x, vertical_first, a, b, dst, scratch);
        return;
    }
#endif
    (void)baseline;
    resample_base(src, stride, readable, channels, y, x, vertical_first, a, b, dst, scratch);
}

void rtk_prefetch(const void *p, long bytes) {
    const char *c = (const char *)p;
    for (long i = 0; i < bytes; i += 64) __builtin_prefetch(c + i);
    if (bytes > 0) __builtin_prefetch(c + bytes - 1);
}
