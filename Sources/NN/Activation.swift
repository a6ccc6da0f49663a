import TensorCore

/// A parameter-free pointwise nonlinearity.
public enum Activation: String, Sendable, Codable {
    /// max(x, 0).
    case relu
    /// GELU with the exact erf form (PyTorch's default).
    case gelu
    /// GELU with the tanh approximation.
    case geluTanh
    /// The identity.
    case identity

    /// Applies the activation.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return x.relu()
        case .gelu: return x.gelu(.erf)
        case .geluTanh: return x.gelu(.tanh)
        case .identity: return x
        }
    }
}
