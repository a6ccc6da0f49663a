import Foundation
import Support

/// Losses and similarities with gradients. Batch-mean reductions unless stated.
extension Tensor {
    /// Cross-entropy from logits `[N, C]` and integer labels `[N]`, averaged over N, with label
    /// smoothing ε: target = (1-ε)·onehot + ε/C (PyTorch `F.cross_entropy(label_smoothing=ε)`).
    public static func crossEntropy(logits: Tensor, labels: IntTensor, labelSmoothing: Float = 0) -> Tensor {
        require(logits.rank == 2, "crossEntropy: logits must be [N, C], got \(logits.shape)")
        require(labels.shape == Shape([logits.shape[0]]), "crossEntropy: labels \(labels.shape) do not match logits \(logits.shape)")
        let c = logits.shape[1]
        for l in labels.scalars { require(l >= 0 && Int(l) < c, "crossEntropy: label \(l) out of range 0..<\(c)") }
        let logp = logits.logSoftmax(alongAxis: 1)
        let nll = -logp.gather(alongAxis: 1, labels).mean()
        if labelSmoothing == 0 { return nll }
        let smooth = -logp.mean(alongAxis: 1).mean()
        return nll * (1 - labelSmoothing) + smooth * labelSmoothing
    }

    /// Cross-entropy with soft targets `[N, C]` (probabilities): mean over N of -Σ_c p_c log softmax(z)_c.
    public static func crossEntropy(logits: Tensor, targetProbabilities p: Tensor) -> Tensor {
        require(logits.shape == p.shape && logits.rank == 2, "crossEntropy: logits \(logits.shape) vs targets \(p.shape)")
        return -(p * logits.logSoftmax(alongAxis: 1)).sum() / Float(logits.shape[0])
    }

    /// KL(p ‖ q) with q given as log-probabilities and p as probabilities, summed over classes and
    /// averaged over the batch (PyTorch `F.kl_div(logQ, p, reduction="batchmean")`); 0·log 0 = 0.
    public static func klDivergence(logProbabilities logQ: Tensor, targetProbabilities p: Tensor) -> Tensor {
        require(logQ.shape == p.shape, "klDivergence: shapes \(logQ.shape) and \(p.shape) differ")
        let plogp = backend.map(.xLogX, p.detached)
        let batch = Float(logQ.rank > 0 ? logQ.shape[0] : 1)
        // p log p is constant w.r.t. logQ; the gradient w.r.t. p of Σ p(log p - logQ) is log p + 1 - logQ.
        let cross = (p * logQ).sum()
        let entropyTerm = Tensor.traced(plogp.sum(), inputs: [p]) { g in
            [g * backend.map(.xLogXDerivative, p.detached)]
        }
        return (entropyTerm - cross) / batch
    }

    /// Mean squared error over all elements (PyTorch `F.mse_loss`, reduction "mean").
    public static func meanSquaredError(_ a: Tensor, _ b: Tensor) -> Tensor {
        require(a.shape == b.shape, "meanSquaredError: shapes \(a.shape) and \(b.shape) differ")
        return (a - b).squared().mean()
    }

    /// Cosine similarity along `axis`: x·y / (max(‖x‖, ε) · max(‖y‖, ε)) (PyTorch's `F.cosine_similarity`).
    public static func cosineSimilarity(_ x: Tensor, _ y: Tensor, alongAxis axis: Int = -1, epsilon: Float = 1e-8) -> Tensor {
        (x.l2Normalized(alongAxis: axis, epsilon: epsilon) * y.l2Normalized(alongAxis: axis, epsilon: epsilon)).sum(alongAxes: [axis])
    }
}
