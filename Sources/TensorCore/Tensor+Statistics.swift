import Support

/// Statistics read out of a tensor in Double precision, without gradients: for the evaluation code
/// (global gradient norms, feature standardisation, input checks) that must not loop over raw buffers
/// above the engine.
extension Tensor {
    /// Σ x² over every element, accumulated in Double (the square of a global gradient norm).
    public func sumOfSquares() -> Double { Tensor.backend.sumOfSquares(self) }

    /// True when no element is NaN or infinite.
    public var isFinite: Bool { Tensor.backend.isFinite(self) }

    /// Per-column sums Σ x and Σ x² of a matrix `[N, D]`, accumulated in Double: `([D], [D])`.
    public func columnSums() -> (sum: [Double], sumOfSquares: [Double]) {
        require(rank == 2, "columnSums: needs a matrix [N, D], got \(shape)")
        let (n, d) = (shape[0], shape[1])
        return Tensor.backend.columnSums(self, n: n, d: d)
    }
}
