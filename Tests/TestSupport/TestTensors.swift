import Support
import TensorCore

/// Deterministic test inputs.
public enum TestTensors {
    /// A tensor of standard normal values (times `scale`) from a fixed seed.
    public static func randn(_ shape: Shape, seed: UInt64, scale: Float = 1) -> Tensor {
        var rng = Philox(seed: seed)
        return Tensor(shape: shape, scalars: (0..<shape.count).map { _ in rng.nextNormal() * scale })
    }

    /// Bit patterns of a tensor's elements (for bit-exact comparisons).
    public static func bits(_ t: Tensor) -> [UInt32] { t.scalars.map(\.bitPattern) }
}
