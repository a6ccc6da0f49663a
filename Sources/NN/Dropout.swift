import TensorCore

/// Inverted dropout (Srivastava et al. 2014): in training, zeroes each element with probability p
/// and scales the rest by 1/(1-p); the identity in inference. Draws from `context.rng`.
public struct Dropout: TensorLayer {
    /// The drop probability in [0, 1).
    public var probability: Float

    /// Dropout with drop probability `probability`.
    public init(probability: Float) {
        precondition(probability >= 0 && probability < 1, "Dropout: probability \(probability) outside [0, 1)")
        self.probability = probability
    }

    /// No parameters.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {}

    /// Any shape -> same shape.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        guard context.isTraining, probability > 0 else { return input }
        return input.dropout(probability: probability, rng: &context.rng, training: true)
    }
}
