// Small single-threaded SGEMMs for the products attention makes per (sample, head): C[m, n] = α·op(A)·op(B) with m,
// n and k of a few dozen to a few hundred (32 × 32 × 32 for a text tower's head). OpenBLAS's generic path pays a
// zeroing pass and the packing of both operands on every such call (its `Zen` / `Haswell` builds have no
// small-matrix kernels); here op(B) is read in place when it is B with whole 16-column panels and copied
// (transposed) into the caller's scratch otherwise, A's elements are broadcast where they lie, and each block of
// C (6 rows × 32 columns on AVX-512, 6 × 16 on AVX2, 2 × 16 on the baseline build) keeps its accumulators in registers
// over all of k.
// Each element of C is the same sequence of multiply-adds whatever the build's block size.
#ifndef RETORT_SMALLGEMM_H
#define RETORT_SMALLGEMM_H

/// Floats of scratch `rtk_small_gemm` needs for a `[k, n]` op(B) (zero when B is used in place).
long rtk_small_gemm_scratch_count(int transposeB, long n, long k);

/// C[m, n] = alpha · op(A)[m, k] · op(B)[k, n], row-major: op(A) is A (`[m, k]`, rows `lda` apart) or Aᵀ (A given as
/// `[k, m]`), op(B) is B (`[k, n]`, rows `ldb` apart) or Bᵀ (B given as `[n, k]`); C's rows `ldc` apart, overwritten.
/// `scratch` holds at least `rtk_small_gemm_scratch_count(transposeB, n, k)` floats.
void rtk_small_gemm(int transposeA, int transposeB, long m, long n, long k, float alpha, const float *a, long lda,
                    const float *b, long ldb, float *c, long ldc, float *scratch);

#endif
