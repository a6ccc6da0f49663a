// GELU forward and gradient over float arrays, the same arithmetic as Tests/KernelsTests/VectorMath.swift
// (exp by range reduction and a degree-6 polynomial, erf by Abramowitz & Stegun 7.1.26); AVX-512 / AVX2 builds chosen
// at run time fuse multiply-adds (the same bits on both, within a few ulp of the Swift lanes), the baseline build
// gives the Swift lanes' bits.
#ifndef RETORT_ACTIVATION_H
#define RETORT_ACTIVATION_H

/// out[i] = 0.5·x·(1 + erf(x/√2)).
void rtk_gelu(const float *x, float *out, long count);

/// out[i] = g[i]·(Φ(x[i]) + x[i]·φ(x[i])).
void rtk_gelu_gradient(const float *g, const float *x, float *out, long count);

/// Each of the `rows` rows of `x` (`n` long, in place) becomes softmax(row) = e^(x − max) / Σ e^(x − max), with
/// `VectorMath`'s exp.
void rtk_softmax_rows(float *x, long rows, long n);

/// The softmax gradient in place: each row of `gradP` becomes p ⊙ (gradP − Σ gradP ⊙ p), with `p` the softmax rows.
void rtk_softmax_rows_gradient(const float *p, float *gradP, long rows, long n);

#endif
