import CKernels

/// Softmax over contiguous rows in place and its gradient, in C (`Sources/CKernels/activation.c`, AVX-512/AVX2
/// at run time, Cephes' expf as in activation.c, sums in any order): the attention kernels' `[T, T]` weights.
public enum SoftmaxRows {
    /// Each of `rows` rows of `n` values at `x` becomes e^(x − max) / Σ e^(x − max).
    public static func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, length n: Int) { rtk_softmax_rows(x, rows, n) }

    /// Each row of `gradient` becomes p ⊙ (gradient − Σ gradient ⊙ p), for the softmax rows `p` (same shape).
    public static func gradient(_ p: UnsafePointer<Float>, _ gradient: UnsafeMutablePointer<Float>, rows: Int, length n: Int) {
        rtk_softmax_rows_gradient(p, gradient, rows, n)
    }
}
