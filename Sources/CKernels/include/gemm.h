// A row-panel SGEMM for tall products with a short inner dimension, C[m, n] (+)= A[m, k] · B[k, n]: B is packed once
// into 16-column panels (`rtk_gemm_pack`); A's rows are read where they lie, a block of rows at a time against each
// panel, the block's accumulators in registers (12 rows on AVX-512, 6 on AVX2, 2 on the baseline build). Each row of C
// is the same sequence of multiply-adds whatever block it is in, so results do not depend on how rows are split.
// The projections of a small transformer ([8192, 128] × [128, 384]) are its use: OpenBLAS packs the tall operand on
// every call, which costs as much as the short multiply (docs/performance.md).
#ifndef RETORT_GEMM_H
#define RETORT_GEMM_H

/// Floats of a packed `[k, n]` B (n rounded up to whole 16-column panels).
long rtk_gemm_packed_count(long k, long n);

/// Packs B into 16-column panels (zero past column n): element (kk, j) is `b[kk·ldb + j]`, or `b[j·ldb + kk]` when
/// `transposed` (B given as `[n, k]` rows, as a linear layer's weight).
void rtk_gemm_pack(const float *b, long ldb, int transposed, long k, long n, float *packed);

/// Rows `0..<m` of C[·, n] = A[·, k] · B (or C + A · B when `accumulate`), A's rows `lda` apart, C's `ldc` apart.
void rtk_gemm_rows(const float *a, long lda, const float *packed, long k, long n, float *c, long ldc, long m,
                   int accumulate);

#endif
