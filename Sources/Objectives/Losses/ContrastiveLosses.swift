import Support
import TensorCore

/// Pure contrastive loss functions: each anchor is scored against a set of candidates by a
/// similarity, and the loss is the cross-entropy of picking its positive among them.
public enum ContrastiveLosses {
    /// SimCLR's NT-Xent (normalised temperature-scaled cross-entropy, Chen et al. 2020), with
    /// solo-learn's `simclr_loss_func` semantics (solo/losses/simclr.py) on one process.
    ///
    /// `z1`, `z2`: `[N, D]` projections of two views; row `n` of both comes from sample `n`.
    /// With `z = l2n([z1; z2])` (`[2N, D]`, x / max(‖x‖, 1e-12), as `F.normalize`) and
    /// `s_ij = z_i · z_j / T`, every one of the `2N` anchors `i` has its positive `p(i)` (the other
    /// view of its sample) and is contrasted with all `2N − 1` other rows:
    ///
    ///     loss = −(1 / 2N) Σ_i log( exp(s_i,p(i)) / Σ_{j ≠ i} exp(s_ij) )
    ///
    /// Both views get gradients (nothing is detached). `temperature` must be positive. Returns a
    /// scalar (shape `[]`).
    public static func ntXent(_ z1: Tensor, _ z2: Tensor, temperature t: Float) -> Tensor {
        require(z1.rank == 2 && z1.shape == z2.shape && z1.shape[0] > 0, "ntXent: z1 \(z1.shape) vs z2 \(z2.shape), want equal [N, D] with N > 0")
        require(t > 0, "ntXent: temperature must be positive, got \(t)")
        let n = z1.shape[0]
        let m = 2 * n
        let z = Tensor.concatenate([z1, z2], alongAxis: 0).l2Normalized(alongAxis: 1)
        let logits = Tensor.matmul(z, z, transposeB: true) / t  // [2N, 2N]
        var eye = [Float](repeating: 0, count: m * m)
        for i in 0..<m { eye[i * m + i] = 1 }
        // An anchor is never its own candidate: exp(−∞) = 0 drops it from the denominator.
        let logProbabilities = logits.maskedFill(Tensor(shape: [m, m], scalars: eye), with: -.infinity).logSoftmax(alongAxis: 1)
        let positives = IntTensor((0..<m).map { ($0 + n) % m })
        return -logProbabilities.gather(alongAxis: 1, positives).mean()
    }
}
