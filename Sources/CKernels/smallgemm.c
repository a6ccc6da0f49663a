// Small SGEMMs for attention; see include/smallgemm.h.
#include "smallgemm.h"
#include "dispatch.h"
#include <string.h>

// The multiply-adds fuse (FMA builds): one rounding per step, as OpenBLAS's kernels.
#pragma STDC FP_CONTRACT ON

static long panel_width(long n) { return (n + 15) / 16 * 16; }

long rtk_small_gemm_scratch_count(int transposeB, long n, long k) {
    return transposeB || n % 16 != 0 ? k * panel_width(n) : 0;
}

// op(B) as [k, width] rows (zero past column n): B's rows, or B's columns when it is given as [n, k].
static void copy_b(int transposeB, long n, long k, const float *b, long ldb, float *out) {
    long width = panel_width(n);
    if (transposeB) {
        for (long kk = 0; kk < k; kk++) {
            float *row = out + kk * width;
            for (long j = 0; j < n; j++) row[j] = b[j * ldb + kk];
            for (long j = n; j < width; j++) row[j] = 0;
        }
    } else {
        for (long kk = 0; kk < k; kk++) {
            memcpy(out + kk * width, b + kk * ldb, (size_t)n * sizeof(float));
            memset(out + kk * width + n, 0, (size_t)(width - n) * sizeof(float));
        }
    }
}

// MR rows of C against NV × 16 columns of op(B) (rows `ldb` apart): accumulators over all of k, then alpha times them
// stored (the first `cols` columns). Row r of op(A) is read at `a + r·row_step + kk·k_step`; each row's pointer is
// set once, so the loop's addresses are a pointer plus one shared offset.
#define RTK_TILE(MR, NV)                                                                                             \
    RTK_INLINE void tile_##MR##x##NV(const float *a, long row_step, long k_step, const float *b, long ldb, long k,   \
                                     float alpha, float *c, long ldc, long cols) {                                  \
        const float *row[MR];                                                                                        \
        for (int r = 0; r < MR; r++) row[r] = a + r * row_step;                                                      \
        rtk_v16 acc[MR][NV];                                                                                         \
        for (int r = 0; r < MR; r++)                                                                                 \
            for (int v = 0; v < NV; v++) acc[r][v] = (rtk_v16){0};                                                   \
        for (long kk = 0; kk < k; kk++) {                                                                            \
            rtk_v16 bv[NV];                                                                                          \
            memcpy(bv, b + kk * ldb, sizeof bv);                                                                     \
            long offset = kk * k_step;                                                                               \
            for (int r = 0; r < MR; r++)                                                                             \
                for (int v = 0; v < NV; v++) acc[r][v] += row[r][offset] * bv[v];                                    \
        }                                                                                                            \
        for (int r = 0; r < MR; r++) {                                                                               \
            for (int v = 0; v < NV; v++) {                                                                           \
                rtk_v16 out = alpha * acc[r][v];                                                                     \
                long x0 = v * 16, n = cols - x0 < 16 ? cols - x0 : 16;                                               \
                if (n == 16) {                                                                                       \
                    memcpy(c + r * ldc + x0, &out, 64);                                                              \
                } else {                                                                                             \
                    for (long x = 0; x < n; x++) c[r * ldc + x0 + x] = out[x];                                       \
                }                                                                                                    \
            }                                                                                                        \
        }                                                                                                            \
    }
RTK_TILE(6, 2)
RTK_TILE(4, 2)
RTK_TILE(2, 2)
RTK_TILE(1, 2)
RTK_TILE(6, 1)
RTK_TILE(4, 1)
RTK_TILE(2, 1)
RTK_TILE(1, 1)

// Blocks of C's rows: 6 (AVX-512, AVX2) or 2 (baseline), then 4, 2 and 1 for what is left (one row alone is one
// dependency chain per vector); columns in panels of 32 on AVX-512 (12 accumulator registers), else 16, the last
// panel of 16 when fewer columns remain.
#define RTK_MR_base 2
#define RTK_MR_avx2 6
#define RTK_MR_avx512 6
#define RTK_NV_base 1
#define RTK_NV_avx2 1
#define RTK_NV_avx512 2
#define RTK_ROW_BLOCKS(MR, NV)                                                                                       \
    for (; i + MR <= m; i += MR)                                                                                     \
        tile_##MR##x##NV(a + i * row_step, row_step, k_step, b + p, ldb, k, alpha, c + i * ldc + p, ldc, cols);
#define RTK_PANEL(MR, NV)                                                                                            \
    {                                                                                                                \
        long cols = n - p < 16 * NV ? n - p : 16 * NV, i = 0;                                                        \
        RTK_ROW_BLOCKS(MR, NV)                                                                                       \
        RTK_ROW_BLOCKS(4, NV)                                                                                        \
        RTK_ROW_BLOCKS(2, NV)                                                                                        \
        RTK_ROW_BLOCKS(1, NV)                                                                                        \
    }
#define RTK_PANELS(MR, NV)                                                                                           \
    long p = 0;                                                                                                      \
    for (; p + 16 * NV <= n; p += 16 * NV) RTK_PANEL(MR, NV)                                                         \
    for (; p < n; p += 16) RTK_PANEL(MR, 1)
#define RTK_PANELS_OF(MR, NV) RTK_PANELS(MR, NV)
#define RTK_VARIANTS(suffix, attr)                                                                                   \
    attr static void small_gemm_##suffix(long m, long n, long k, float alpha, const float *a, long row_step,         \
                                         long k_step, const float *b, long ldb, float *c, long ldc) {               \
        RTK_PANELS_OF(RTK_MR_##suffix, RTK_NV_##suffix)                                                              \
    }

RTK_BUILDS(RTK_VARIANTS)

void rtk_small_gemm(int transposeA, int transposeB, long m, long n, long k, float alpha, const float *a, long lda,
                    const float *b, long ldb, float *c, long ldc, float *scratch) {
    if (m <= 0 || n <= 0) return;
    if (rtk_small_gemm_scratch_count(transposeB, n, k) > 0) {
        copy_b(transposeB, n, k, b, ldb, scratch);
        b = scratch;
        ldb = panel_width(n);
    }
    long row_step = transposeA ? 1 : lda, k_step = transposeA ? lda : 1;
    RTK_DISPATCH(small_gemm, m, n, k, alpha, a, row_step, k_step, b, ldb, c, ldc);
}
