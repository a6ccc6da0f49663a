import Support
import TensorCore

/// Per-dimension standardisation `(x - mean) / std` fitted on training features `[N, D]`
/// (dimensions with std < 1e-6 are only centred).
public struct FeatureStandardizer: Sendable, Equatable {
    /// Per-dimension means `[D]`.
    public var mean: [Float]
    /// Per-dimension standard deviations `[D]` (1 for constant dimensions).
    public var std: [Float]

    /// Fits mean and std of `features` `[N, D]` (population std, accumulated in Double).
    public init(fitting features: Tensor) {
        let n = features.shape[0]
        let d = features.shape[1]
        let (sum, sumSq) = features.columnSums()
        mean = sum.map { Float($0 / Double(n)) }
        std = (0..<d).map { j in
            let m = sum[j] / Double(n)
            let s = (Swift.max(sumSq[j] / Double(n) - m * m, 0)).squareRoot()
            return s < 1e-6 ? 1 : Float(s)
        }
    }

    /// Standardises `features` `[M, D]`.
    public func apply(_ features: Tensor) -> Tensor {
        let d = mean.count
        require(features.rank == 2 && features.shape[1] == d, "FeatureStandardizer: features \(features.shape) vs \(d) dims")
        return (features.detached - Tensor(mean)) / Tensor(std)
    }
}
