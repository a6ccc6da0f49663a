import NN
import Support
import TensorCore

/// A pre-norm transformer block (timm `Block`): `x + attn(norm1 x)`, then `x + mlp(norm2 x)`;
/// `[B, T, D] -> [B, T, D]`.
public struct TransformerBlock: TensorLayer {
    /// LayerNorm before attention.
    public var norm1: LayerNorm
    /// Self-attention.
    public var attn: MultiHeadAttention
    /// LayerNorm before the MLP.
    public var norm2: LayerNorm
    /// The MLP (hidden 4D, GELU).
    public var mlp: MLP

    /// A block of width `featureCount`; Linear weights trunc-normal(0.02), biases 0 (timm init).
    public init(
        featureCount d: Int, headCount: Int, mlpRatio: Float = 4, causal: Bool = false,
        epsilon: Float = 1e-6, rng: inout Philox
    ) {
        norm1 = LayerNorm(featureCount: d, epsilon: epsilon)
        attn = MultiHeadAttention(featureCount: d, headCount: headCount, causal: causal, rng: &rng)
        norm2 = LayerNorm(featureCount: d, epsilon: epsilon)
        mlp = MLP(inputCount: d, hiddenCount: Int(Float(d) * mlpRatio), outputCount: d, activation: .gelu, rng: &rng)
        forEachParameter { _, p in
            switch p.role {
            case .weight: p.value = Initializer.truncatedNormal(p.shape, std: 0.02, rng: &rng)
            case .bias: p.value = Tensor(zeros: p.shape)
            default: break
            }
        }
    }

    /// Visits norm1, attn, norm2, mlp.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("norm1", &norm1)
        visitor.visit("attn", &attn)
        visitor.visit("norm2", &norm2)
        visitor.visit("mlp", &mlp)
    }

    /// `[B, T, D] -> [B, T, D]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        forward(input, keyPaddingMask: nil, context: &context)
    }

    /// `[B, T, D] -> [B, T, D]`, with an optional `[B, T]` key padding mask (1 real, 0 pad).
    public mutating func forward(_ input: Tensor, keyPaddingMask: Tensor?, context: inout Context) -> Tensor {
        let x = input + attn.forward(norm1(input), keyPaddingMask: keyPaddingMask, context: &context)
        return x + mlp.forward(norm2(x), context: &context)
    }
}
