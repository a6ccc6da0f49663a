import Foundation
import Support
import TensorCore

/// SwAV's pure losses (Caron et al. 2020, facebookresearch/swav `main_swav.py`): the Sinkhorn-Knopp
/// codes of a batch of prototype scores, and the swapped-prediction loss over multi-crop views.
public enum SwAVLosses {
    /// The solver's name in errors.
    static let solver = "SwAV's Sinkhorn"

    /// `main_swav.py::distributed_sinkhorn` on one process (no gradient), in Float32 as the
    /// reference: `scores` `[B, K]` (prototype scores, usually cosines in [−1, 1]) → codes `[B, K]`.
    ///
    ///     Q = exp(S / ε)ᵀ (K × B, no max-subtraction);  Q /= ΣQ
    ///     repeat `iterations`×:  Q /= row sums; Q /= K      (each prototype gets mass 1/K)
    ///                            Q /= column sums; Q /= B   (each sample gets mass 1/B)
    ///     return (Q · B)ᵀ                                    (each row sums to 1)
    ///
    /// After the last iteration the rows of the result sum to 1 exactly and the prototype (column)
    /// sums are close to B/K. Throws `SinkhornError.nonFinite` naming ε when `exp(S/ε)` overflows
    /// Float32 (max S/ε > 88.7) or a sum is 0 or infinite (underflow), instead of returning NaN, and
    /// `SinkhornError.nonFiniteInput` for NaN or infinite scores.
    ///
    /// Over a `group` of R ranks (`distributed_sinkhorn` as written): `scores` holds this rank's B_r
    /// rows (equal on every rank), ΣQ and the prototype (row) sums are all-reduced, B = R·B_r, and the
    /// result is this rank's rows of the codes of the union.
    public static func sinkhorn(_ scores: Tensor, epsilon: Float, iterations: Int, group: any Communicator = SingleProcess()) throws -> Tensor {
        precondition(scores.rank == 2 && scores.shape[0] > 0 && scores.shape[1] > 0, "sinkhorn: scores \(scores.shape), want [B, K]")
        precondition(epsilon > 0 && iterations >= 0, "sinkhorn: epsilon \(epsilon), iterations \(iterations)")
        let b = scores.shape[0]
        let k = scores.shape[1]
        let globalB = b * group.size
        var q = scores.detached.scalars  // q[i * k + j] = Q[j, i]
        // Every rank learns whether any rank's scores are bad, so all of them throw (or none does).
        var bad: [Float] = [q.allSatisfy({ $0.isFinite }) ? 0 : 1]
        group.allReduceSum(&bad)
        guard bad[0] == 0 else { throw SinkhornError.nonFiniteInput(solver: solver) }
        let largest = q.max()!
        for i in q.indices { q[i] = Foundation.exp(q[i] / epsilon) }
        func fail(_ detail: String) -> SinkhornError {
            .nonFinite(solver: solver, parameter: "epsilon", value: Double(epsilon), detail: detail)
        }
        var sums: [Float] = [0, q.allSatisfy({ $0.isFinite }) ? 0 : 1]
        for v in q { sums[0] += v }
        group.allReduceSum(&sums)
        if sums[1] != 0 {
            throw fail("exp(scores / epsilon) overflows Float32 (largest score / epsilon = \(largest / epsilon) > 88.7)")
        }
        let total = sums[0]
        guard total.isFinite, total > 0 else {
            throw fail("the sum of exp(scores / epsilon) is \(total) (largest score / epsilon = \(largest / epsilon))")
        }
        for i in q.indices { q[i] /= total }
        var rows = [Float](repeating: 0, count: k)
        var cols = [Float](repeating: 0, count: b)
        for _ in 0..<iterations {
            // Rows of Q (one per prototype) are columns here.
            for j in 0..<k { rows[j] = 0 }
            for i in 0..<b { for j in 0..<k { rows[j] += q[i * k + j] } }
            group.allReduceSum(&rows)
            guard rows.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw fail("a prototype's total weight underflows to 0 (largest score / epsilon = \(largest / epsilon))")
            }
            for i in 0..<b { for j in 0..<k { q[i * k + j] = q[i * k + j] / rows[j] / Float(k) } }
            for i in 0..<b {
                var s: Float = 0
                for j in 0..<k { s += q[i * k + j] }
                cols[i] = s
            }
            guard cols.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw fail("a sample's total weight underflows to 0 (largest score / epsilon = \(largest / epsilon))")
            }
            for i in 0..<b { for j in 0..<k { q[i * k + j] = q[i * k + j] / cols[i] / Float(globalB) } }
        }
        for i in q.indices { q[i] *= Float(globalB) }
        return Tensor(shape: [b, k], scalars: q)
    }

    /// The swapped-prediction loss of `main_swav.py::train` on one process.
    ///
    /// `scores`: `[V·N, K]` prototype scores of `V` views of `N` samples, rows grouped by view
    /// (view `v` is rows `v·N ..< (v+1)·N`); `assign`: the views whose codes are computed (the
    /// reference's `crops_for_assign`, usually the two large crops `[0, 1]`); `queue`: optional
    /// `[A, L, K]` scores of queued embeddings against the current prototypes, block `i` for
    /// `assign[i]` (always used when given: deciding that the queue is full is the caller's job).
    ///
    ///     q_a = sinkhorn(sg [queue_i; S_a], ε, iterations), last N rows       for each assigned a
    ///     loss = (1/|assign|) Σ_a (1/(V − 1)) Σ_{v ≠ a} −mean_n Σ_k q_a[n,k] · log softmax(S_v[n] / T)_k
    ///
    /// The codes carry no gradient; the scores get one through the log-softmax. Returns the scalar
    /// loss (shape `[]`) and the codes `[N, K]` of each assigned view. Needs `V ≥ 2`. Throws
    /// `SinkhornError` when ε is too small for Float32 (see `sinkhorn`). Over a `group`, the codes come
    /// from the global Sinkhorn (`scores` and `queue` hold this rank's rows) and the loss is this rank's
    /// mean, so the ranks' average is the global batch's loss.
    public static func swappedPrediction(
        scores: Tensor, views: Int, assign: [Int], temperature: Float, epsilon: Float,
        iterations: Int, queue: Tensor? = nil, group: any Communicator = SingleProcess()
    ) throws -> (loss: Tensor, codes: [Tensor]) {
        precondition(
            scores.rank == 2 && views >= 2 && scores.shape[0] % views == 0 && scores.shape[0] > 0,
            "swappedPrediction: scores \(scores.shape) for \(views) views, want [V·N, K] with V >= 2")
        precondition(!assign.isEmpty && assign.allSatisfy { (0..<views).contains($0) }, "swappedPrediction: assign \(assign) for \(views) views")
        precondition(temperature > 0, "swappedPrediction: temperature \(temperature)")
        let n = scores.shape[0] / views
        let k = scores.shape[1]
        if let queue {
            precondition(
                queue.rank == 3 && queue.shape[0] == assign.count && queue.shape[2] == k,
                "swappedPrediction: queue \(queue.shape), want [\(assign.count), L, \(k)]")
        }
        let values = scores.detached
        var codes: [Tensor] = []
        // weights[v·N + n, k] = Σ_{a ≠ v} q_a[n, k] / ((V − 1)·|assign|·N), so that
        // loss = −Σ weights ⊙ log softmax(S / T): one traced product for all pairs of views.
        var weights = [Float](repeating: 0, count: views * n * k)
        let scale = 1 / (Float(views - 1) * Float(assign.count) * Float(n))
        for (i, a) in assign.enumerated() {
            var out = values.slice(alongAxis: 0, a * n..<(a + 1) * n)
            if let queue {
                let l = queue.shape[1]
                let block = queue.detached.slice(alongAxis: 0, i..<(i + 1)).reshaped(to: [l, k])
                out = Tensor.concatenate([block, out], alongAxis: 0)
            }
            let all = try sinkhorn(out, epsilon: epsilon, iterations: iterations, group: group)
            let q = all.shape[0] == n ? all : all.slice(alongAxis: 0, (all.shape[0] - n)..<all.shape[0])
            codes.append(q)
            let qp = q.scalars
            for v in 0..<views where v != a {
                for j in 0..<(n * k) { weights[v * n * k + j] += qp[j] * scale }
            }
        }
        let logProbabilities = (scores / temperature).logSoftmax(alongAxis: 1)
        let loss = -(logProbabilities * Tensor(shape: [views * n, k], scalars: weights)).sum()
        return (loss, codes)
    }
}
