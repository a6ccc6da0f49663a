// The row-panel SGEMM; see include/gemm.h.
#include "gemm.h"
#include "dispatch.h"
#include <string.h>

// The multiply-adds fuse (FMA builds): one rounding per step, as OpenBLAS's kernels.
#pragma STDC FP_CONTRACT ON

long rtk_gemm_packed_count(long k, long n) { return (n + 15) / 16 * 16 * k; }

void rtk_gemm_pack(const float *b, long ldb, int transposed, long k, long n, float *packed) {
    for (long p = 0; p < (n + 15) / 16; p++) {
        float *panel = packed + p * k * 16;
        for (long kk = 0; kk < k; kk++) {
            for (long x = 0; x < 16; x++) {
                long j = p * 16 + x;
                panel[kk * 16 + x] = j >= n ? 0 : transposed ? b[j * ldb + kk] : b[kk * ldb + j];
            }
        }
    }
}

// MR rows of C against every panel: MR vector accumulators over k, then stored (or added) to C.
#define RTK_ROWS(MR)                                                                                                 \
    RTK_INLINE void rows_##MR(const float *a, long lda, const float *packed, long k, long n, float *c, long ldc,     \
                              int accumulate) {                                                                     \
        for (long p = 0; p < (n + 15) / 16; p++) {                                                                   \
            const float *panel = packed + p * k * 16;                                                                \
            rtk_v16 acc[MR];                                                                                         \
            for (int r = 0; r < MR; r++) acc[r] = (rtk_v16){0};                                                      \
            for (long kk = 0; kk < k; kk++) {                                                                        \
                rtk_v16 b;                                                                                           \
                memcpy(&b, panel + kk * 16, 64);                                                                     \
                for (int r = 0; r < MR; r++) acc[r] += a[r * lda + kk] * b;                                          \
            }                                                                                                        \
            long cols = n - p * 16 < 16 ? n - p * 16 : 16;                                                           \
            for (int r = 0; r < MR; r++) {                                                                           \
                float *out = c + r * ldc + p * 16;                                                                   \
                if (cols == 16) {                                                                                    \
                    rtk_v16 v = acc[r];                                                                              \
                    if (accumulate) {                                                                                \
                        rtk_v16 old;                                                                                 \
                        memcpy(&old, out, 64);                                                                       \
                        v = old + v;                                                                                 \
                    }                                                                                                \
                    memcpy(out, &v, 64);                                                                             \
                } else {                                                                                             \
                    for (long x = 0; x < cols; x++) out[x] = accumulate ? out[x] + acc[r][x] : acc[r][x];            \
                }                                                                                                    \
            }                                                                                                        \
        }                                                                                                            \
    }
RTK_ROWS(12)
RTK_ROWS(6)
RTK_ROWS(2)
RTK_ROWS(1)

// Rows in blocks of the build's register budget (12 × 1 zmm, 6 × 2 ymm, 2 × 4 xmm), the rest one at a time.
#define RTK_MR_base 2
#define RTK_MR_avx2 6
#define RTK_MR_avx512 12
#define RTK_ROWS_CALL(MR) rows_##MR(a + i * lda, lda, packed, k, n, c + i * ldc, ldc, accumulate)
#define RTK_BLOCKED(MR) for (; i + MR <= m; i += MR) RTK_ROWS_CALL(MR);
#define RTK_VARIANTS(suffix, attr)                                                                                   \
    attr static void gemm_rows_##suffix(const float *a, long lda, const float *packed, long k, long n, float *c,      \
                                        long ldc, long m, int accumulate) {                                          \
        long i = 0;                                                                                                  \
        RTK_BLOCKED(RTK_MR_##suffix)                                                                                 \
        RTK_BLOCKED(1)                                                                                               \
    }

RTK_BUILDS(RTK_VARIANTS)

void rtk_gemm_rows(const float *a, long lda, const float *packed, long k, long n, float *c, long ldc, long m,
                   int accumulate) {
    RTK_DISPATCH(gemm_rows, a, lda, packed, k, n, c, ldc, m, accumulate);
}
