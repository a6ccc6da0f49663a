import Support
import TensorCore

/// Pure image–text contrastive losses (CLIP, Radford et al. 2021; DeCLIP, Li et al. 2022).
public enum CLIPLosses {
    /// The scaled image-to-text logits `[N, M]`: `exp(logScale) · Î T̂ᵀ`, with `x̂ = x / max(‖x‖, 1e-12)`
    /// per row (openai/CLIP `clip/model.py::CLIP.forward`: `logits_per_image = logit_scale.exp() *
    /// image_features @ text_features.t()` after normalising both; CLIP divides by the norm with no
    /// floor, which differs only for near-zero rows).
    ///
    /// `image`: `[N, D]`, `text`: `[M, D]`, `logScale`: `[]` (the learnable log of the scale; it gets
    /// a gradient).
    public static func scaledLogits(image: Tensor, text: Tensor, logScale: Tensor) -> Tensor {
        require(
            image.rank == 2 && text.rank == 2 && image.shape[1] == text.shape[1],
            "CLIPLosses: image \(image.shape) and text \(text.shape) must be [N, D] and [M, D]")
        require(logScale.shape.count == 1, "CLIPLosses: logScale must hold one value, got \(logScale.shape)")
        let similarity = Tensor.matmul(image.l2Normalized(alongAxis: 1), text.l2Normalized(alongAxis: 1), transposeB: true)
        return similarity * logScale.reshaped(to: []).exp()
    }

    /// The symmetric InfoNCE of one batch of pairs (open_clip `src/open_clip/loss.py::ClipLoss` on
    /// one process): with `logits = scaledLogits(image, text, logScale)` `[N, N]` and the diagonal as
    /// labels,
    ///
    ///     loss = ½ (CE(logits, arange N) + CE(logitsᵀ, arange N))
    ///
    /// `image`, `text`: `[N, D]` (row `n` of both is pair `n`), `logScale`: `[]`. Every input gets a
    /// gradient, `logScale` included. Returns a scalar (shape `[]`).
    ///
    /// Over a `group` of R ranks (open_clip `ClipLoss(local_loss=True, gather_with_grad=True)`): this
    /// rank's n images are scored against every rank's texts and its n texts against every rank's
    /// images (`[n, R·n]` each, gathered with gradients), the labels are this rank's global rows, and
    /// the loss is this rank's mean; the ranks' average is the single-process loss of the global batch.
    public static func symmetric(image: Tensor, text: Tensor, logScale: Tensor, group: any Communicator = SingleProcess()) -> Tensor {
        require(
            image.shape == text.shape && image.shape[0] > 0, "CLIPLosses.symmetric: image \(image.shape) vs text \(text.shape), want equal [N, D]")
        if group.isDistributed {
            let perImage = scaledLogits(image: image, text: text.allGathered(over: group), logScale: logScale)  // [n, R·n]
            let perText = scaledLogits(image: text, text: image.allGathered(over: group), logScale: logScale)
            let n = image.shape[0]
            let labels = IntTensor((0..<n).map { group.rank * n + $0 })
            return (Tensor.crossEntropy(logits: perImage, labels: labels) + Tensor.crossEntropy(logits: perText, labels: labels)) * 0.5
        }
        let logits = scaledLogits(image: image, text: text, logScale: logScale)
        return pairwise(logitsPerImage: logits, logitsPerText: logits.transposed())
    }

    /// DeCLIP's `ClipInfoCELoss` (Sense-GVT/DeCLIP `prototype/loss_functions/loss.py`) on one process:
    /// `½ (CE(logitsPerImage, arange N) + CE(logitsPerText, arange N))`, both `[N, M]` with the
    /// positive of row `n` in column `n` (M ≥ N). Returns a scalar.
    public static func pairwise(logitsPerImage: Tensor, logitsPerText: Tensor) -> Tensor {
        let n = logitsPerImage.shape[0]
        require(
            logitsPerText.shape[0] == n && logitsPerImage.rank == 2 && logitsPerImage.shape[1] >= n,
            "CLIPLosses.pairwise: logits \(logitsPerImage.shape) and \(logitsPerText.shape) want [N, M ≥ N]")
        let labels = IntTensor((0..<n).map { Int32($0) })
        let a = Tensor.crossEntropy(logits: logitsPerImage, labels: labels)
        let b = Tensor.crossEntropy(logits: logitsPerText, labels: labels)
        return (a + b) * 0.5
    }
}
