import Support
import TensorCore

/// A lookup table: integer ids `[...]` -> vectors `[..., D]`; `weight` is `[vocabulary, D]`.
public struct Embedding: Layer {
    /// `[vocabulary, D]`.
    public var weight: Parameter

    /// A table initialised N(0, std²) (PyTorch's nn.Embedding default std is 1; CLIP uses 0.02).
    public init(vocabularySize: Int, featureCount: Int, std: Float = 1, rng: inout Philox) {
        weight = Parameter(Initializer.normal([vocabularySize, featureCount], std: std, rng: &rng), role: .embedding)
    }

    /// The vector length D.
    public var featureCount: Int { weight.shape[1] }

    /// Visits `weight`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("weight", &weight)
    }

    /// `[...]` ids -> `[..., D]`.
    public func callAsFunction(_ ids: IntTensor) -> Tensor {
        Tensor.embedding(weight.value, indices: ids)
    }
}
