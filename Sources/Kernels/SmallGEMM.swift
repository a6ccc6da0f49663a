import CKernels

/// C[m, n] = α·op(A)·op(B) for the small products of attention (per sample and head: `[T, hd]` by `[hd, T]` and back),
/// single-threaded, in C (`Sources/CKernels/smallgemm.c`, AVX-512 / AVX2 at run time): A's elements broadcast where
/// they lie, op(B) read in place or copied (transposed, padded to 16 columns) into the caller's scratch, a block of C's
/// rows in registers over all of k. OpenBLAS's builds without small-matrix kernels (`Zen`, `Haswell`) zero C and pack
/// both operands on every call: at a text tower's 32 × 32 × 32 that overhead was most of the product
/// (docs/performance.md). Results do not depend on the build's block size or on threads.
public enum SmallGEMM {
    /// Floats of scratch `multiply` needs for op(B) `[k, n]`.
    public static func scratchCount(transposeB: Bool, n: Int, k: Int) -> Int {
        rtk_small_gemm_scratch_count(transposeB ? 1 : 0, n, k)
    }

    /// C[m, n] = alpha·op(A)·op(B), row-major, as `BLAS.gemm` with beta 0: op(A) is `[m, k]` (A, rows `lda` apart) or
    /// A given as `[k, m]` (`transposeA`); op(B) is `[k, n]` or B given as `[n, k]` (`transposeB`). `scratch` holds at
    /// least `scratchCount(transposeB:n:k:)` floats.
    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        rtk_small_gemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, c, ldc, scratch)
    }
}
