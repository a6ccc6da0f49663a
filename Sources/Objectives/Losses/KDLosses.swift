import Support
import TensorCore

/// Pure knowledge-distillation loss functions.
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
    public static func hinton(student: Tensor, teacher: Tensor, labels: IntTensor, temperature t: Float, alpha: Float) -> (hard: Tensor, soft: Tensor) {
        (Tensor.crossEntropy(logits: student, labels: labels) * alpha, hinton(student: student, teacher: teacher, temperature: t) * (1 - alpha))
    }
}
