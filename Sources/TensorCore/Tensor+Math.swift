import Foundation

/// Elementwise math with gradients. Shapes are preserved: `[*] -> [*]`.
extension Tensor {
    /// e^x.
    public func exp() -> Tensor {
        let out = map { Foundation.exp($0) }
        return Tensor.traced(out, inputs: [self]) { g in [g * out] }
    }
    /// Natural logarithm.
    public func log() -> Tensor {
        let x = detached
        return Tensor.traced(map { Foundation.log($0) }, inputs: [self]) { g in [g / x] }
    }
    /// Square root.
    public func sqrt() -> Tensor {
        let out = map { $0.squareRoot() }
        return Tensor.traced(out, inputs: [self]) { g in [g / (out * 2)] }
    }
    /// x^p for a scalar exponent p.
    public func pow(_ p: Float) -> Tensor {
        let x = detached
        let out = map { Foundation.pow($0, p) }
        return Tensor.traced(out, inputs: [self]) { g in [g * x.map { p * Foundation.pow($0, p - 1) }] }
    }
    /// x^2.
    public func squared() -> Tensor {
        let x = detached
        return Tensor.traced(map { $0 * $0 }, inputs: [self]) { g in [g * x * 2] }
    }
    /// |x| (gradient sign(x), 0 at 0).
    public func abs() -> Tensor {
        let x = detached
        return Tensor.traced(map { Swift.abs($0) }, inputs: [self]) { g in
            [g * x.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }]
        }
    }
    /// Swift.min(Swift.max(x, lo), hi); the gradient passes where lo <= x <= hi (as PyTorch's clamp).
    public func clamped(min lo: Float = -.infinity, max hi: Float = .infinity) -> Tensor {
        let x = detached
        return Tensor.traced(map { Swift.min(Swift.max($0, lo), hi) }, inputs: [self]) { g in
            [g * x.map { $0 >= lo && $0 <= hi ? 1 : 0 }]
        }
    }
    /// max(x, 0) (NaN stays NaN); gradient g where the output is positive.
    public func relu() -> Tensor {
        let out = Tensor.backend.relu(self)
        return Tensor.traced(out, inputs: [self]) { g in [Tensor.zipMap(g, out, kernel: .reluGradient, name: "relu") { $1 > 0 ? $0 : 0 }] }
    }
    /// 1 / (1 + e^-x).
    public func sigmoid() -> Tensor {
        let out = map { 1 / (1 + Foundation.exp(-$0)) }
        return Tensor.traced(out, inputs: [self]) { g in [Tensor.zipMap(g, out, op: "sigmoid") { $0 * $1 * (1 - $1) }] }
    }
    /// Hyperbolic tangent.
    public func tanh() -> Tensor {
        let out = map { Foundation.tanh($0) }
        return Tensor.traced(out, inputs: [self]) { g in [Tensor.zipMap(g, out, op: "tanh") { $0 * (1 - $1 * $1) }] }
    }
    /// log(1 + e^x), computed stably; gradient sigmoid(x).
    public func softplus() -> Tensor {
        let x = detached
        let out = map { $0 > 0 ? $0 + Foundation.log1p(Foundation.exp(-$0)) : Foundation.log1p(Foundation.exp($0)) }
        return Tensor.traced(out, inputs: [self]) { g in
            [Tensor.zipMap(g, x, op: "softplus") { $0 / (1 + Foundation.exp(-$1)) }]
        }
    }

    /// The GELU form: exact (erf) as in BERT/ViT, or the tanh approximation of Hendrycks & Gimpel.
    public enum GELUForm: Sendable { case erf, tanh }

    /// GELU(x) = x * Φ(x) (erf form) or 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) (tanh form).
    public func gelu(_ form: GELUForm = .erf) -> Tensor {
        let x = detached
        switch form {
        case .erf:
            // Vectorised, with PyTorch's CPU erf approximation (Kernels/VectorMath.swift on the CPU).
            let out = Tensor.backend.gelu(x)
            return Tensor.traced(out, inputs: [self]) { g in [Tensor.backend.geluGradient(g, x: x)] }
        case .tanh:
            let c: Float = 0.7978845608028654
            let out = map { v in 0.5 * v * (1 + Foundation.tanh(c * (v + 0.044715 * v * v * v))) }
            return Tensor.traced(out, inputs: [self]) { g in
                [
                    Tensor.zipMap(g, x, op: "gelu") { g, v in
                        let u = c * (v + 0.044715 * v * v * v)
                        let t = Foundation.tanh(u)
                        let du = c * (1 + 3 * 0.044715 * v * v)
                        return g * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du)
                    }
                ]
            }
        }
    }
}
