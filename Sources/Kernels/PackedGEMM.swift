import CKernels
import Support

/// C (+)= A·B for tall products with a short inner dimension, in C (`Sources/CKernels/gemm.c`, AVX-512 / AVX2 at
/// run time): B packed once into 16-column panels, A's rows read in place, blocks of rows in parallel. OpenBLAS packs
/// the tall operand on every call; on a small transformer's projections (`[8192, 128] × [128, 384]`) that costs
/// 5–33 % of the product (docs/performance.md). A row's result does not depend on the blocks, so neither on the
/// thread count nor on the batch it is in.
public enum PackedGEMM {
    /// Rows a task takes (a multiple of every build's row block).
    static let rowsPerTask = 96

    /// Whether an `m × k` by `k × n` product is one this serves better than OpenBLAS: tall (`m ≥ 256`), a short
    /// inner dimension (`k ≤ 1024`), at least one panel of columns, and a vector build to run it (AVX2 or AVX-512;
    /// the baseline build runs at about 0.4× OpenBLAS, `retort-bench engine --packed-gemm --isa baseline`).
    public static func suits(m: Int, n: Int, k: Int) -> Bool {
        m >= 256 && (1...1024).contains(k) && n >= 16 && InstructionSet.current != .baseline
    }

    /// C[m, n] = A[m, k]·B[k, n] (`accumulate`: C + A·B); A's rows `lda` apart, C's `ldc` apart; B's rows `ldb` apart,
    /// or B given as its transpose `[n, k]` (`transposeB`, a linear layer's weight).
    public static func multiply(
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, transposeB: Bool, m: Int, n: Int, k: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: rtk_gemm_packed_count(k, n))
        defer { packed.deallocate() }
        rtk_gemm_pack(b, ldb, transposeB ? 1 : 0, k, n, packed)
        let (pa, pp, pc) = (SendablePointer(a), SendablePointer(packed), SendablePointer(c))
        parallelFor((m + rowsPerTask - 1) / rowsPerTask) { tasks in
            for task in tasks {
                let r0 = task * rowsPerTask
                rtk_gemm_rows(pa.base + r0 * lda, lda, pp.base, k, n, pc.base + r0 * ldc, ldc, min(rowsPerTask, m - r0), accumulate ? 1 : 0)
            }
        }
    }
}
