import Foundation
import TensorCore

/// Deterministic Gaussian blobs for probe tests (SplitMix64 + Box-Muller).
struct Blobs {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) + 0.5) / Double(1 << 53)
    }

    mutating func normal() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }

    /// `perClass` samples of each class around `means[c]` with unit variance: features `[N, D]`, labels `[N]`.
    mutating func sample(means: [[Double]], perClass: Int, std: Double = 1) -> (Tensor, IntTensor) {
        var x: [Float] = []
        var y: [Int32] = []
        for i in 0..<perClass {
            for (c, mean) in means.enumerated() {
                _ = i
                for m in mean { x.append(Float(m + std * normal())) }
                y.append(Int32(c))
            }
        }
        return (Tensor(shape: [y.count, means[0].count], scalars: x), IntTensor(y))
    }
}
