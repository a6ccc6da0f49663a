import Support

/// Statistics read out of a tensor in Double precision, without gradients: for the evaluation code
/// (global gradient norms, feature standardisation, input checks) that must not loop over raw buffers
/// above the engine.
extension Tensor {
    /// Σ x² over every element, accumulated in Double (the square of a global gradient norm).
    public func sumOfSquares() -> Double {
        withUnsafeBufferPointer { p in
            var s = 0.0
            for v in p { s += Double(v) * Double(v) }
            return s
        }
    }

    /// True when no element is NaN or infinite.
    public var isFinite: Bool { withUnsafeBufferPointer { p in !p.contains { !$0.isFinite } } }

    /// Per-column sums Σ x and Σ x² of a matrix `[N, D]`, accumulated in Double: `([D], [D])`.
    public func columnSums() -> (sum: [Double], sumOfSquares: [Double]) {
        require(rank == 2, "columnSums: needs a matrix [N, D], got \(shape)")
        let (n, d) = (shape[0], shape[1])
        var sum = [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        withUnsafeBufferPointer { p in
            for i in 0..<n {
                for j in 0..<d {
                    let v = Double(p[i * d + j])
                    sum[j] += v
                    squares[j] += v * v
                }
            }
        }
        return (sum, squares)
    }
}
