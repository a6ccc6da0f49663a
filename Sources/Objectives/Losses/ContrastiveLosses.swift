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
    ///
    /// Over a `group` of R ranks (solo-learn's `gather` of `z` before the loss): each rank's `2n` local
    /// anchors are scored against the `2N = 2Rn` gathered projections `[Z1_all; Z2_all]` (positive and
    /// self at their global rows), and the loss is the mean over local anchors; its average over ranks
    /// is the single-process loss of the global batch, and its gradient, summed over ranks and divided
    /// by R, is that loss's gradient (`Tensor.allGathered` sums the candidates' gradients).
    public static func ntXent(_ z1: Tensor, _ z2: Tensor, temperature t: Float, group: any Communicator = SingleProcess()) -> Tensor {
        require(z1.rank == 2 && z1.shape == z2.shape && z1.shape[0] > 0, "ntXent: z1 \(z1.shape) vs z2 \(z2.shape), want equal [N, D] with N > 0")
        require(t > 0, "ntXent: temperature must be positive, got \(t)")
        let n = z1.shape[0]
        let big = group.size * n  // N: samples of the global batch
        let a1 = z1.l2Normalized(alongAxis: 1)
        let a2 = z2.l2Normalized(alongAxis: 1)
        let anchors = Tensor.concatenate([a1, a2], alongAxis: 0)  // [2n, D]
        let candidates =
            group.isDistributed
            ? Tensor.concatenate([a1.allGathered(over: group), a2.allGathered(over: group)], alongAxis: 0) : anchors  // [2N, D]
        let logits = Tensor.matmul(anchors, candidates, transposeB: true) / t  // [2n, 2N]
        // Local anchor i (view i / n, sample i % n) is global row (i / n)·N + rank·n + i % n; it is never its own
        // candidate (exp(−∞) = 0 drops it from the denominator), and its positive is the other view's row.
        let selfRow = (0..<(2 * n)).map { i in (i / n) * big + group.rank * n + i % n }
        var mask = [Float](repeating: 0, count: 2 * n * 2 * big)
        for (i, r) in selfRow.enumerated() { mask[i * 2 * big + r] = 1 }
        let logProbabilities = logits.maskedFill(Tensor(shape: [2 * n, 2 * big], scalars: mask), with: -.infinity).logSoftmax(alongAxis: 1)
        let positives = IntTensor(selfRow.map { ($0 + big) % (2 * big) })
        return -logProbabilities.gather(alongAxis: 1, positives).mean()
    }
}
