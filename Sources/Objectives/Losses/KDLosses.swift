import Support
import TensorCore

/// Pure knowledge-distillation loss functions. `student`, `teacher`: `[N, K]` logits; the teacher
/// is always detached (no gradient reaches it). KL(p ‖ q) = Σ_k p (log p − log q), summed over
/// classes and averaged over the batch ("batchmean").
public enum KDLosses {
    /// Hinton et al. (2015) soft-target loss: T² · KL(softmax(t/T) ‖ softmax(s/T)), summed over
    /// classes and averaged over the batch (mdistiller `kd_loss`). `student`, `teacher`: `[N, C]`
    /// logits; the teacher is detached.
    public static func hinton(student: Tensor, teacher: Tensor, temperature t: Float) -> Tensor {
        require(student.shape == teacher.shape && student.rank == 2, "hinton: student \(student.shape) vs teacher \(teacher.shape)")
        require(t > 0, "hinton: temperature must be positive, got \(t)")
        let pt = (teacher.detached / t).softmax(alongAxis: 1)
        return Tensor.klDivergence(logProbabilities: (student / t).logSoftmax(alongAxis: 1), targetProbabilities: pt) * (t * t)
    }

    /// Hinton KD with a hard-label term: α·CE(y, s) + (1 − α)·T²·KL (torchdistill's convention:
    /// `alpha` weighs the hard labels).
    public static func hinton(student: Tensor, teacher: Tensor, labels: IntTensor, temperature t: Float, alpha: Float) -> (hard: Tensor, soft: Tensor)
    {
        (Tensor.crossEntropy(logits: student, labels: labels) * alpha, hinton(student: student, teacher: teacher, temperature: t) * (1 - alpha))
    }

    /// Decoupled KD (Zhao et al. 2022; mdistiller `mdistiller/distillers/DKD.py::dkd_loss`), its two
    /// terms apart, each already times T² and averaged over the batch (DKD = α·tckd + β·nckd):
    /// - tckd = T²·KL(b_t ‖ b_s), b = [p_g, Σ_{k≠g} p_k] of p = softmax(z/T) (`cat_mask`); log b_s
    ///   is taken directly, with no ε, as the reference does;
    /// - nckd = T²·KL(p̂_t ‖ p̂_s), p̂ = softmax(z/T − 1000·onehot(g)) (exp(−1000) is exactly 0 in
    ///   Float32, so p̂ is the softmax over the non-target classes).
    /// Per sample, Hinton KD = tckd + (1 − p_t,g)·nckd. `labels` `[N]` in `0..<K`.
    public static func dkd(student: Tensor, teacher: Tensor, labels: IntTensor, temperature t: Float) -> (tckd: Tensor, nckd: Tensor) {
        require(student.shape == teacher.shape && student.rank == 2, "dkd: student \(student.shape) vs teacher \(teacher.shape)")
        require(labels.shape == Shape([student.shape[0]]), "dkd: labels \(labels.shape) vs logits \(student.shape)")
        require(t > 0, "dkd: temperature must be positive, got \(t)")
        let gt = oneHot(labels, classCount: student.shape[1])
        let other = 1 - gt
        func targetSplit(_ p: Tensor) -> Tensor {
            Tensor.concatenate([(p * gt).sum(alongAxis: 1, keepingDims: true), (p * other).sum(alongAxis: 1, keepingDims: true)], alongAxis: 1)
        }
        let s = student / t
        let te = teacher.detached / t
        let bs = targetSplit(s.softmax(alongAxis: 1))
        let bt = targetSplit(te.softmax(alongAxis: 1))
        let tckd = Tensor.klDivergence(logProbabilities: bs.log(), targetProbabilities: bt) * (t * t)
        let mask = gt * 1000
        let nckd =
            Tensor.klDivergence(
                logProbabilities: (s - mask).logSoftmax(alongAxis: 1),
                targetProbabilities: (te - mask).softmax(alongAxis: 1)) * (t * t)
        return (tckd, nckd)
    }

    /// SSLD's loss (PaddleClas `ppcls/loss/dmlloss.py::DMLLoss`, softmax activation): the symmetric
    /// KL ½·(KL(p_t ‖ p_s) + KL(p_s ‖ p_t)) at T = 1, batch mean, with p = softmax(z); no labels.
    /// The teacher is detached, so only the student receives a gradient.
    public static func dml(student: Tensor, teacher: Tensor) -> Tensor {
        require(student.shape == teacher.shape && student.rank == 2, "dml: student \(student.shape) vs teacher \(teacher.shape)")
        let logS = student.logSoftmax(alongAxis: 1)
        let logT = teacher.detached.logSoftmax(alongAxis: 1)
        let forward = Tensor.klDivergence(logProbabilities: logS, targetProbabilities: logT.exp())
        let reverse = Tensor.klDivergence(logProbabilities: logT, targetProbabilities: logS.exp())
        return (forward + reverse) * 0.5
    }

    /// The ensemble target of MEAL V2 (`extensions/teacher_wrapper.py`, combine): the mean over
    /// teachers of softmax(t_m) at T = 1, `[N, K]`, detached. `teachers`: M ≥ 1 logits `[N, K]`.
    public static func averagedSoftmax(_ teachers: [Tensor]) -> Tensor {
        require(!teachers.isEmpty, "averagedSoftmax: no teachers")
        let probabilities = teachers.map { $0.detached.softmax(alongAxis: 1) }
        return probabilities.dropFirst().reduce(probabilities[0], +) / Float(teachers.count)
    }

    /// MEAL V2's similarity loss (`extensions/kd_loss.py::KLLoss`, training mode): the soft
    /// cross-entropy −mean_n Σ_k p̄_k log softmax(s)_k against p̄ = `averagedSoftmax(teachers)`;
    /// no labels, T = 1. Its gradient equals that of KL(p̄ ‖ softmax(s)).
    public static func mealV2(student: Tensor, teachers: [Tensor]) -> Tensor {
        let target = averagedSoftmax(teachers)
        require(student.shape == target.shape && student.rank == 2, "mealV2: student \(student.shape) vs teachers \(target.shape)")
        return Tensor.crossEntropy(logits: student, targetProbabilities: target)
    }

    /// MEAL V2's discriminator loss (`loss.py::discriminatorLoss` with `nn.BCEWithLogitsLoss()`): the
    /// discriminator's outputs for the student rows `student` `[N, 2]` and the teacher rows `teacher`
    /// `[N, 2]` against the targets [1, 0] (student) and [0, 1] (teacher), binary cross-entropy with
    /// logits `softplus(x) − x·y` averaged over all 2N·2 entries.
    public static func mealV2Discriminator(student: Tensor, teacher: Tensor) -> Tensor {
        require(
            student.shape == teacher.shape && student.rank == 2 && student.shape[1] == 2,
            "mealV2Discriminator: student \(student.shape) vs teacher \(teacher.shape), expected [N, 2] each")
        let n = student.shape[0]
        let x = Tensor.concatenate([student, teacher], alongAxis: 0)
        let rows: [Float] = Array(Array(repeating: [Float(1), 0], count: n).joined()) + Array(Array(repeating: [Float(0), 1], count: n).joined())
        let y = Tensor(shape: [2 * n, 2], scalars: rows)
        return (x.softplus() - x * y).mean()
    }

    /// One-hot rows `[N, K]` of `labels` `[N]` (constants, untraced).
    static func oneHot(_ labels: IntTensor, classCount k: Int) -> Tensor {
        var scalars = [Float](repeating: 0, count: labels.count * k)
        for (i, y) in labels.scalars.enumerated() {
            require(y >= 0 && Int(y) < k, "oneHot: label \(y) out of range 0..<\(k)")
            scalars[i * k + Int(y)] = 1
        }
        return Tensor(shape: [labels.count, k], scalars: scalars)
    }
}
