// Layer normalisation over the last axis, rows at a time (`Kernels.Normalization`'s layer-norm passes call these
// on blocks of rows in parallel); AVX-512 / AVX2 builds chosen at run time. Each row's sums are vectorised (their
// order is the build's, fixed for a build: a row's results depend neither on the block nor on the thread count).
#ifndef RETORT_LAYERNORM_H
#define RETORT_LAYERNORM_H

/// For each of the `rows` rows of `x` (`d` long): mean μ = Σx/d, invStd = 1/√(Σ(x − μ)²/d + ε) (two passes), and
/// y = (x − μ)·invStd·scale + shift (`scale`, `shift` `[d]`, each may be NULL: 1 and 0).
void rtk_layer_norm_rows(const float *x, long rows, long d, float epsilon, const float *scale, const float *shift, float *y,
                         float *mean, float *inv_std);

/// The backward pass of `rtk_layer_norm_rows` for `rows` rows, with x̂ = (x − μ)·invStd and ĝ = dy·scale:
/// dx = invStd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) into `dx` (NULL: not wanted); Σ_rows dy·x̂ added into `grad_scale` and
/// Σ_rows dy into `grad_shift` (`[d]`, each may be NULL), rows in order.
void rtk_layer_norm_backward_rows(const float *x, const float *dy, long rows, long d, const float *scale, const float *mean,
                                  const float *inv_std, float *dx, float *grad_scale, float *grad_shift);

#endif
