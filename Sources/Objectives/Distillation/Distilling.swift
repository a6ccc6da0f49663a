import Backbones
import NN
import Support
import TensorCore

/// A distillation objective: it trains the student against frozen `teachers`. Every such objective
/// reports, on held-out samples (`validationMetrics`: the validation part during the run, the test
/// split once at the end), how closely the student follows its teachers:
/// - `agreement`: the fraction of samples whose student top-1 equals the target's top-1;
/// - `teacher_kl`: KL(p_t ‖ p_s) at T = 1, summed over classes, averaged over samples (p_t the
///   target: the one teacher's softmax, or the ensemble's mean softmax);
/// - `teacher_accuracy` (with labels): the target's top-1 accuracy.
/// Teacher and student see the same centre view (each teacher under its own normalisation).
public protocol Distilling {
    /// The frozen teachers (none when the run reads a teacher cache).
    var teachers: TeacherEnsemble { get set }
    /// The index of the batch view the teachers see (`retort cache-logits` caches that view).
    var teacherViewIndex: Int { get }
}

extension Distilling {
    /// The teachers see view 0 unless an objective says otherwise.
    public var teacherViewIndex: Int { 0 }
}

extension Objective where Self: Distilling {
    /// No parameters of its own unless an objective says so (MEAL V2's discriminator): the teachers are
    /// loaded from their own checkpoints, so they are not part of the objective's state.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {}

    /// `agreement`, `teacher_kl` and `teacher_accuracy` over `data` (see `Distilling`); none without
    /// live teachers (a run from a teacher cache).
    public mutating func validationMetrics(model: inout Model, data: DatasetPass) throws -> [String: Float] {
        guard teachers.count > 0 else { return [:] }
        var agreed = 0.0
        var kl = 0.0
        var correct = 0.0
        var count = 0
        var labelled = 0
        try data.forEachBatch { batch in
            var context = Context(training: false, rng: Philox(seed: 0))
            let x = batch.views[0]
            let target = TeacherEnsemble.targetLogits(teachers.logits(x, rng: context.rng))
            let features = model.features(x, context: &context)
            let student = model.classify(features) ?? features
            let n = batch.count
            agreed += Double(Metrics.agreement(student, target)) * Double(n)
            let pt = target.softmax(alongAxis: 1)
            kl += Double(Tensor.klDivergence(logProbabilities: student.logSoftmax(alongAxis: 1), targetProbabilities: pt).scalar) * Double(n)
            if let labels = batch.labels {
                correct += Double(Metrics.accuracy(target, labels)) * Double(n)
                labelled += n
            }
            count += n
        }
        guard count > 0 else { return [:] }
        var out = ["agreement": Float(agreed / Double(count)), "teacher_kl": Float(kl / Double(count))]
        if labelled > 0 { out["teacher_accuracy"] = Float(correct / Double(labelled)) }
        return out
    }
}
