import NN
import Support
import TensorCore

/// A CLIP-style text encoder (Radford et al. 2021): token and position embeddings, pre-norm blocks
/// with causal attention, a final LayerNorm, and the end token's state projected by
/// `text_projection` `[D, E]`. `[B, L]` ids -> `[B, E]` features.
public struct TextTransformer: Layer {
    /// `[V, D]`.
    public var tokenEmbedding: Embedding
    /// `[L, D]`.
    public var positionEmbedding: Parameter
    /// Causal transformer blocks.
    public var blocks: [TransformerBlock]
    /// The final norm.
    public var finalNorm: LayerNorm
    /// `[D, E]`.
    public var projection: Parameter
    /// The id whose (first) position is pooled: the tokenizer's end of text.
    public var endToken: Int32

    /// An encoder for `contextLength` tokens of width `width` with `depth` blocks and `headCount`
    /// heads, projecting to `featureCount` (CLIP init: token N(0, 0.02²), position N(0, 0.01²)).
    public init(
        contextLength: Int, vocabularySize: Int = ByteTokenizer.vocabularySize, width: Int, depth: Int,
        headCount: Int, featureCount: Int, endToken: Int32 = ByteTokenizer.end, rng: inout Philox
    ) {
        self.endToken = endToken
        tokenEmbedding = Embedding(vocabularySize: vocabularySize, featureCount: width, std: 0.02, rng: &rng)
        positionEmbedding = Parameter(Initializer.normal([contextLength, width], std: 0.01, rng: &rng), role: .embedding)
        blocks = (0..<depth).map { _ in TransformerBlock(featureCount: width, headCount: headCount, causal: true, epsilon: 1e-5, rng: &rng) }
        finalNorm = LayerNorm(featureCount: width)
        projection = Parameter(Initializer.normal([width, featureCount], std: 1 / Float(width).squareRoot(), rng: &rng), role: .weight)
    }

    /// The output feature width E.
    public var featureCount: Int { projection.shape[1] }
    /// The sequence length L.
    public var contextLength: Int { positionEmbedding.shape[0] }

    /// Visits token_embedding, positional_embedding, blocks, ln_final, text_projection.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("token_embedding", &tokenEmbedding)
        visitor.visit("positional_embedding", &positionEmbedding)
        visitor.visit("blocks", &blocks)
        visitor.visit("ln_final", &finalNorm)
        visitor.visit("text_projection", &projection)
    }

    /// Features `[B, E]` (the state at each row's first end token) and each block's tokens `[B, L, D]`.
    public mutating func extract(_ ids: IntTensor, mask: Tensor? = nil, context: inout Context) -> (features: Tensor, intermediates: [Tensor]) {
        precondition(ids.shape.rank == 2 && ids.shape[1] == contextLength, "TextTransformer: ids \(ids.shape) must be [B, \(contextLength)]")
        let b = ids.shape[0]
        let l = contextLength
        let d = positionEmbedding.shape[1]
        var x = tokenEmbedding(ids) + positionEmbedding.value
        var states: [Tensor] = []
        for i in blocks.indices {
            x = blocks[i].forward(x, keyPaddingMask: mask, context: &context)
            states.append(x)
        }
        x = finalNorm(x)
        // The end token's position per row (the last position if a row has none).
        let positions = (0..<b).map { r -> Int32 in
            let row = ids.scalars[(r * l)..<((r + 1) * l)]
            let p = row.firstIndex(of: endToken).map { $0 - r * l } ?? (l - 1)
            return Int32(r * l + p)
        }
        let pooled = x.reshaped(to: [b * l, d]).indexSelect(alongAxis: 0, IntTensor(positions))
        return (Tensor.matmul(pooled, projection.value), states)
    }

    /// Features `[B, E]`.
    public mutating func features(_ ids: IntTensor, mask: Tensor? = nil, context: inout Context) -> Tensor {
        extract(ids, mask: mask, context: &context).features
    }
}
