import Foundation

/// Elementwise math with gradients. Shapes are preserved: `[*] -> [*]`.
extension Tensor {
    /// e^x.
    public func exp() -> Tensor {
        let out = Tensor.backend.map(.exp, self)
        return Tensor.traced(out, inputs: [self]) { g in [g * out] }
    }
    /// Natural logarithm.
    public func log() -> Tensor {
        let x = detached
        return Tensor.traced(Tensor.backend.map(.log, self), inputs: [self]) { g in [g / x] }
    }
    /// Square root.
    public func sqrt() -> Tensor {
        let out = Tensor.backend.map(.sqrt, self)
        return Tensor.traced(out, inputs: [self]) { g in [g / (out * 2)] }
    }
    /// x^p for a scalar exponent p.
    public func pow(_ p: Float) -> Tensor {
        let x = detached
        let out = Tensor.backend.map(.pow(p), self)
        return Tensor.traced(out, inputs: [self]) { g in [g * Tensor.backend.map(.powDerivative(p), x)] }
    }
    /// x^2.
    public func squared() -> Tensor {
        let x = detached
        return Tensor.traced(Tensor.backend.map(.square, self), inputs: [self]) { g in [g * x * 2] }
    }
    /// |x| (gradient sign(x), 0 at 0).
    public func abs() -> Tensor {
        let x = detached
        return Tensor.traced(Tensor.backend.map(.abs, self), inputs: [self]) { g in [g * Tensor.backend.map(.sign, x)] }
    }
    /// Swift.min(Swift.max(x, lo), hi); the gradient passes where lo <= x <= hi (as PyTorch's clamp).
    public func clamped(min lo: Float = -.infinity, max hi: Float = .infinity) -> Tensor {
        let x = detached
        return Tensor.traced(Tensor.backend.map(.clamp(lo, hi), self), inputs: [self]) { g in [g * Tensor.backend.map(.inside(lo, hi), x)] }
    }
    /// max(x, 0) (NaN stays NaN); gradient g where the output is positive.
    public func relu() -> Tensor {
        let out = Tensor.backend.relu(self)
        return Tensor.traced(out, inputs: [self]) { g in [Tensor.backend.map(.reluGradient, g, out, name: "relu")] }
    }
    /// 1 / (1 + e^-x).
    public func sigmoid() -> Tensor {
        let out = Tensor.backend.map(.sigmoid, self)
        return Tensor.traced(out, inputs: [self]) { g in [Tensor.backend.map(.sigmoidGradient, g, out, name: "sigmoid")] }
    }
    /// Hyperbolic tangent.
    public func tanh() -> Tensor {
        let out = Tensor.backend.map(.tanh, self)
        return Tensor.traced(out, inputs: [self]) { g in [Tensor.backend.map(.tanhGradient, g, out, name: "tanh")] }
    }
    /// log(1 + e^x), computed stably; gradient sigmoid(x).
    public func softplus() -> Tensor {
        let x = detached
        let out = Tensor.backend.map(.softplus, self)
        return Tensor.traced(out, inputs: [self]) { g in [Tensor.backend.map(.softplusGradient, g, x, name: "softplus")] }
    }

    /// The GELU form: exact (erf) as in BERT/ViT, or the tanh approximation of Hendrycks & Gimpel.
    public enum GELUForm: Sendable { case erf, tanh }

    /// GELU(x) = x * Φ(x) (erf form) or 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) (tanh form).
    public func gelu(_ form: GELUForm = .erf) -> Tensor {
        let x = detached
        switch form {
        case .erf:
            // Vectorised, with PyTorch's CPU erf approximation (CKernels/activation.c on the CPU).
            let out = Tensor.backend.gelu(x)
            return Tensor.traced(out, inputs: [self]) { g in [Tensor.backend.geluGradient(g, x: x)] }
        case .tanh:
            let out = Tensor.backend.map(.geluTanh, x)
            return Tensor.traced(out, inputs: [self]) { g in [Tensor.backend.map(.geluTanhGradient, g, x, name: "gelu")] }
        }
    }
}
