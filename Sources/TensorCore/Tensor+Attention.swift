import Support

/// Multi-head scaled dot-product attention straight from the packed projections, one op.
extension Tensor {
    /// `softmax(Q Kᵀ/√hd + bias) V` for every head, from `qkv` `[B, T, 3·D]` (timm's packed `qkv` Linear output:
    /// Q, K, V side by side, each `[H, hd]` per token, D = H·hd) to `[B, T, D]` (heads side by side, ready for the
    /// output projection). `bias` `[1 or B, 1, T, T]` is added to the scores (masks: −1e9 where not allowed).
    /// The same mathematics as the composed ops (reshape, permute, two batched matmuls, softmax: what
    /// `MultiHeadAttention` did before), but Q, K and V are read in place by strided GEMMs and the result written
    /// in place, with no permuted copies, no separate scaling pass and the heads in parallel; the backward pass
    /// writes dQ, dK and dV into one packed `[B, T, 3·D]` gradient. Keeps the attention weights `[B, H, T, T]` for it.
    public func attention(heads: Int, bias: Tensor? = nil) -> Tensor {
        require(rank == 3 && shape[2] % (3 * heads) == 0, "attention: qkv \(shape) must be [B, T, 3·D] with D divisible by \(heads) heads")
        let (b, t) = (shape[0], shape[1])
        if let bias {
            require(
                bias.rank == 4 && (bias.shape[0] == 1 || bias.shape[0] == b) && bias.shape[1] == 1 && bias.shape[2] == t && bias.shape[3] == t,
                "attention: bias \(bias.shape) must be [1 or \(b), 1, \(t), \(t)]")
        }
        let qkv = detached
        let (out, weights) = Tensor.backend.attention(qkv, heads: heads, bias: bias?.detached, keepWeights: isTraced)
        return Tensor.traced(out, inputs: [self]) { g in
            [Tensor.backend.attentionGradient(g, qkv: qkv, weights: weights!, heads: heads)]
        }
    }
}
