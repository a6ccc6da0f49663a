import Foundation
import TensorCore

/// SeLa's pure functions (Asano et al. 2020, yukimasano/self-label): the dataset-wide pseudo-labels
/// by Sinkhorn-Knopp (`sinkhornknopp.py::optimize_L_sk`) and the training loss against them.
public enum SelfLabelLosses {
    /// The solver's name in errors.
    static let solver = "SeLa's Sinkhorn-Knopp"

    /// A labelling: one cluster per sample and how the solver got there.
    public struct Labelling: Sendable, Equatable {
        /// The cluster of each sample, in `[0, K)`.
        public var labels: [Int32]
        /// The number of scaling updates (1, 11, 21, ...: the error is checked on every tenth).
        public var iterations: Int
        /// The last convergence error `Σ_n |c_n / c'_n − 1|` (< 0.1).
        public var error: Double
    }

    /// `optimize_L_sk` in Float64 on logits `[N, K]` (one head's outputs for the whole dataset).
    ///
    ///     P = softmax(logits) (per sample), A = P^λ (K × N, computed as exp(λ·log P))
    ///     r = 1/K, c = 1/N
    ///     repeat:  r = (1/K) / (A c);  c' = (1/N) / (Aᵀ r)
    ///              on updates 1, 11, 21, ...: err = Σ_n |c_n / c'_n − 1|;  c = c'
    ///     until err ≤ 0.1
    ///     label_n = argmax_k A[k, n] · c_n · r_k
    ///
    /// `maxIterations` bounds the loop (the reference has no bound). Throws `SinkhornError` when a
    /// cluster's `P^λ` underflows to 0 for every sample (λ too large for Float64), when the logits
    /// are not finite, or when the loop does not converge within `maxIterations`.
    public static func labels(logits: Tensor, lambda: Double, maxIterations: Int = 100_000) throws -> Labelling {
        precondition(logits.rank == 2 && logits.shape[0] > 0 && logits.shape[1] > 0, "labels: logits \(logits.shape), want [N, K]")
        let n = logits.shape[0]
        let k = logits.shape[1]
        guard logits.isFinite else { throw SinkhornError.nonFiniteInput(solver: solver) }
        let a = Tensor.backend.selfLabelPowers(logits, lambda: lambda)  // a[i * k + j] = A[j, i]
        return try labels(powers: a, samples: n, clusters: k, lambda: lambda, maxIterations: maxIterations)
    }

    /// The same solver on `powers` = P^λ, `[N, K]` row-major in Float64 (what a dataset-wide
    /// labelling builds from its stored outputs); `lambda` is only reported in errors.
    public static func labels(
        powers a: [Double], samples n: Int, clusters k: Int, lambda: Double,
        maxIterations: Int = 100_000
    ) throws -> Labelling {
        precondition(a.count == n * k && n > 0 && k > 0, "labels: \(a.count) values for [\(n), \(k)]")
        let (r, c, counter, err) = Tensor.backend.selfLabelScaling(a, samples: n, clusters: k, maxIterations: maxIterations)
        if let j = r.firstIndex(where: { !$0.isFinite }) {
            throw SinkhornError.nonFinite(
                solver: solver, parameter: "lambda", value: lambda,
                detail: "P^lambda underflows to 0 for cluster \(j) on every sample")
        }
        if let i = c.firstIndex(where: { !$0.isFinite }) {
            throw SinkhornError.nonFinite(
                solver: solver, parameter: "lambda", value: lambda,
                detail: "P^lambda underflows to 0 for sample \(i) on every cluster")
        }
        guard err <= 0.1 else { throw SinkhornError.notConverged(solver: solver, iterations: counter, error: err) }
        var labels = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            var best = -1
            var value = -Double.infinity
            for j in 0..<k {
                let q = a[i * k + j] * c[i] * r[j]
                if !q.isNaN && (best < 0 || q > value) {
                    best = j
                    value = q
                }
            }
            labels[i] = Int32(max(best, 0))
        }
        return Labelling(labels: labels, iterations: counter, error: err)
    }

    /// SeLa's training loss: the mean over heads of the cross-entropy of each head's logits `[N, K_h]`
    /// against its pseudo-labels `[N]` (`main.py::optimize_epoch`, `torch.mean(torch.stack([XE(...)]))`).
    public static func crossEntropy(logits: [Tensor], labels: [IntTensor]) -> Tensor {
        precondition(!logits.isEmpty && logits.count == labels.count, "crossEntropy: \(logits.count) heads, \(labels.count) label sets")
        let terms = zip(logits, labels).map { Tensor.crossEntropy(logits: $0, labels: $1) }
        return terms.dropFirst().reduce(terms[0], +) * (1 / Float(terms.count))
    }
}
