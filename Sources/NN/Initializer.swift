import Foundation
import Support
import TensorCore

/// Weight initialisers matching PyTorch's defaults (He et al. 2015; timm's truncated normal).
public enum Initializer {
    /// Uniform values in `[-bound, bound)`.
    public static func uniform(_ shape: Shape, bound: Float, rng: inout Philox) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.count).map { _ in rng.nextUniform(in: -bound, bound) })
    }

    /// Normal values with mean 0 and standard deviation `std`.
    public static func normal(_ shape: Shape, std: Float, rng: inout Philox) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.count).map { _ in rng.nextNormal() * std })
    }

    /// `kaiming_uniform_(w, a)`: U(-b, b), b = gain·sqrt(3 / fanIn), gain = sqrt(2 / (1 + a²)).
    /// With PyTorch's default a = sqrt(5) (Linear, Conv) this is b = 1 / sqrt(fanIn).
    public static func kaimingUniform(_ shape: Shape, fanIn: Int, a: Float = Float(5).squareRoot(), rng: inout Philox) -> Tensor {
        let gain = (2 / (1 + a * a)).squareRoot()
        return uniform(shape, bound: gain * (3 / Float(max(fanIn, 1))).squareRoot(), rng: &rng)
    }

    /// PyTorch's default bias for Linear/Conv: U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
    public static func defaultBias(_ shape: Shape, fanIn: Int, rng: inout Philox) -> Tensor {
        uniform(shape, bound: 1 / Float(max(fanIn, 1)).squareRoot(), rng: &rng)
    }

    /// `kaiming_normal_(w, mode="fan_out", nonlinearity="relu")`: N(0, 2 / fanOut) (torchvision ResNet convs).
    public static func kaimingNormal(_ shape: Shape, fan: Int, rng: inout Philox) -> Tensor {
        normal(shape, std: (2 / Float(max(fan, 1))).squareRoot(), rng: &rng)
    }

    /// `trunc_normal_(w, std, a, b)`: N(0, std²) resampled until inside [a, b] (timm ViT uses
    /// std 0.02 with the absolute bounds a = -2, b = 2).
    public static func truncatedNormal(_ shape: Shape, std: Float = 0.02, a: Float = -2, b: Float = 2, rng: inout Philox) -> Tensor {
        Tensor(
            shape: shape,
            scalars: (0..<shape.count).map { _ in
                while true {
                    let v = rng.nextNormal() * std
                    if v >= a && v <= b { return v }
                }
            })
    }

    /// The fan-in and fan-out of a weight: `[out, in]` or `[out, in, kh, kw]` (PyTorch's rule).
    public static func fans(_ shape: Shape) -> (fanIn: Int, fanOut: Int) {
        precondition(shape.rank >= 2, "fans: weight rank must be >= 2, got \(shape)")
        let receptive = shape.dims.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }
}
