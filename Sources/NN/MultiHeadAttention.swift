import Foundation
import Support
import TensorCore

/// Multi-head self-attention (Vaswani et al. 2017) in timm's layout: a fused `qkv` projection
/// `[3D, D]` and an output projection `proj`. `[B, T, D] -> [B, T, D]`;
/// `softmax(Q Kᵀ / sqrt(d_head) + mask) V` per head.
public struct MultiHeadAttention: TensorLayer {
    /// `D -> 3D` (q, k, v stacked in that order, heads contiguous within each).
    public var qkv: Linear
    /// `D -> D`.
    public var proj: Linear
    /// The number of heads H (D must divide by H).
    public var headCount: Int
    /// Whether position t may only attend to positions <= t (CLIP's text transformer).
    public var isCausal: Bool
    /// Dropout on the attention probabilities.
    public var attentionDropout: Dropout

    /// Attention over `featureCount` features with `headCount` heads (PyTorch default init).
    public init(
        featureCount: Int, headCount: Int, causal: Bool = false, qkvBias: Bool = true,
        attentionDropProbability: Float = 0, rng: inout Philox
    ) {
        precondition(featureCount % headCount == 0, "MultiHeadAttention: \(featureCount) features do not split into \(headCount) heads")
        qkv = Linear(inputCount: featureCount, outputCount: 3 * featureCount, bias: qkvBias, rng: &rng)
        proj = Linear(inputCount: featureCount, outputCount: featureCount, rng: &rng)
        self.headCount = headCount
        isCausal = causal
        attentionDropout = Dropout(probability: attentionDropProbability)
    }

    /// Visits `qkv`, `proj`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("qkv", &qkv)
        visitor.visit("proj", &proj)
    }

    /// `[B, T, D] -> [B, T, D]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        forward(input, keyPaddingMask: nil, context: &context)
    }

    /// `[B, T, D] -> [B, T, D]`; `keyPaddingMask` `[B, T]` holds 1 for real tokens and 0 for
    /// padding, which no query attends to.
    public mutating func forward(_ input: Tensor, keyPaddingMask: Tensor?, context: inout Context) -> Tensor {
        precondition(input.rank == 3, "MultiHeadAttention: input must be [B, T, D], got \(input.shape)")
        let (b, t, d) = (input.shape[0], input.shape[1], input.shape[2])
        let h = headCount
        let hd = d / headCount
        let bias = maskBias(batch: b, length: t, keyPaddingMask: keyPaddingMask)
        // The fused op unless attention dropout is active (it drops weights between the softmax and V).
        if !(context.isTraining && attentionDropout.probability > 0) {
            return proj(qkv(input).attention(heads: h, bias: bias))
        }
        let packed = qkv(input).reshaped(to: [b, t, 3, h, hd]).permuted([2, 0, 3, 1, 4])  // [3, B, H, T, hd]
        let q = packed.slice(alongAxis: 0, 0..<1).reshaped(to: [b, h, t, hd])
        let k = packed.slice(alongAxis: 0, 1..<2).reshaped(to: [b, h, t, hd])
        let v = packed.slice(alongAxis: 0, 2..<3).reshaped(to: [b, h, t, hd])
        var scores = Tensor.matmul(q, k, transposeB: true) * (1 / Float(hd).squareRoot())  // [B, H, T, T]
        if let bias { scores = scores + bias }
        var attention = scores.softmax(alongAxis: -1)
        attention = attentionDropout.forward(attention, context: &context)
        let out = Tensor.matmul(attention, v).permuted([0, 2, 1, 3]).reshaped(to: [b, t, d])
        return proj(out)
    }

    /// The additive mask `[B or 1, 1, T, T]` (0 allowed, -1e9 masked), or nil when nothing is masked.
    func maskBias(batch: Int, length t: Int, keyPaddingMask: Tensor?) -> Tensor? {
        guard isCausal || keyPaddingMask != nil else { return nil }
        let masked: Float = -1e9
        let pad = keyPaddingMask?.detached.scalars
        if let keyPaddingMask {
            precondition(
                keyPaddingMask.shape == [batch, t], "MultiHeadAttention: key padding mask \(keyPaddingMask.shape), expected [\(batch), \(t)]")
        }
        let rows = pad == nil ? 1 : batch
        return Tensor(shape: [rows, 1, t, t]) { buf in
            for r in 0..<rows {
                for i in 0..<t {
                    for j in 0..<t {
                        var allowed = !(isCausal && j > i)
                        if let pad, pad[r * t + j] == 0 { allowed = false }
                        buf[(r * t + i) * t + j] = allowed ? 0 : masked
                    }
                }
            }
        }
    }
}
