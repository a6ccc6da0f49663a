import TensorCore

/// Layer normalisation (Ba et al. 2016) over the last axis: `y = (x - μ) / sqrt(σ² + ε) · γ + β`,
/// `[..., D] -> [..., D]`; parameters `weight` (γ) and `bias` (β) of shape `[D]`.
public struct LayerNorm: TensorLayer {
    /// γ, `[D]`, initialised to 1.
    public var weight: Parameter
    /// β, `[D]`, initialised to 0.
    public var bias: Parameter
    /// ε added to the variance.
    public var epsilon: Float

    /// A LayerNorm over `featureCount` features (PyTorch's ε 1e-5; timm ViT uses 1e-6).
    public init(featureCount: Int, epsilon: Float = 1e-5) {
        weight = Parameter(Tensor(repeating: 1, shape: [featureCount]), role: .normScale)
        bias = Parameter(Tensor(zeros: [featureCount]), role: .normShift)
        self.epsilon = epsilon
    }

    /// Visits `weight`, `bias`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("weight", &weight)
        visitor.visit("bias", &bias)
    }

    /// `[..., D] -> [..., D]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.layerNorm(scale: weight.value, shift: bias.value, axisCount: 1, epsilon: epsilon)
    }

    /// `[..., D] -> [..., D]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor { self(input) }
}
