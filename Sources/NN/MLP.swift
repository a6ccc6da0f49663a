import Support
import TensorCore

/// timm's `Mlp` block: `fc2(drop(act(fc1(x))))`, `[..., in] -> [..., out]`.
public struct MLP: TensorLayer {
    /// `in -> hidden`.
    public var fc1: Linear
    /// `hidden -> out`.
    public var fc2: Linear
    /// The hidden nonlinearity.
    public var activation: Activation
    /// Dropout after the activation and after fc2.
    public var dropout: Dropout

    /// An MLP with PyTorch default initialisation.
    public init(
        inputCount: Int, hiddenCount: Int, outputCount: Int, activation: Activation = .gelu,
        dropProbability: Float = 0, rng: inout Philox
    ) {
        fc1 = Linear(inputCount: inputCount, outputCount: hiddenCount, rng: &rng)
        fc2 = Linear(inputCount: hiddenCount, outputCount: outputCount, rng: &rng)
        self.activation = activation
        dropout = Dropout(probability: dropProbability)
    }

    /// Visits `fc1`, `fc2`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("fc1", &fc1)
        visitor.visit("fc2", &fc2)
    }

    /// `[..., in] -> [..., out]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        var h = activation(fc1(input))
        h = dropout.forward(h, context: &context)
        return dropout.forward(fc2(h), context: &context)
    }
}
