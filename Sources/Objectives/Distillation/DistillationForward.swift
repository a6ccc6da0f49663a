import Backbones
import NN
import TensorCore

/// One forward pass of a distillation objective: the frozen teachers on their view (inference mode,
/// detached) or, when the batch carries them, the cached teacher outputs for that view
/// (`TrainingBatch.teacherOutputs`, `retort cache-logits`), then the student on its view (traced),
/// with the logit shapes checked.
public struct DistillationForward {
    /// Each teacher's logits `[N, K]`; from a cache, the one target.
    public var teachers: [Tensor]
    /// The target logits `[N, K]`: the one teacher's, or log of the teachers' mean softmax (`TeacherEnsemble.targetLogits`).
    public var target: Tensor
    /// The student's pooled features `[N, F]`.
    public var features: Tensor
    /// The student's logits `[N, K]`.
    public var student: Tensor

    /// Runs `teachers` on `teacherView` (or takes `cached`, the cache's target for that view) and
    /// `model` (its features, then its classifier) on `studentView`; throws `ObjectiveError.shapeMismatch`
    /// naming `objective` when the student's and the teachers' logits differ in shape.
    public init<M: Backbone>(
        model: inout M, studentView: Tensor, teachers ensemble: inout TeacherEnsemble, teacherView: Tensor,
        cached: TeacherOutputs? = nil, objective: String, context: inout Context
    ) throws {
        if let cached {
            teachers = [cached.logits]
        } else {
            guard ensemble.count > 0 else {
                throw ObjectiveError.missingTeacherOutputs(objective: objective)
            }
            teachers = ensemble.logits(teacherView, rng: context.rng)
        }
        target = TeacherEnsemble.targetLogits(teachers)
        features = model.features(studentView, context: &context)
        student = model.classify(features) ?? features
        guard student.shape == target.shape else {
            throw ObjectiveError.shapeMismatch(objective: objective, message: "student logits \(student.shape) vs teacher logits \(target.shape)")
        }
    }

    /// Teacher and student on the batch's first view (or the cache's target for it): the forward pass
    /// of the one-view objectives (`kd`, `dkd`, `meal_v2`, `ssld`).
    public init<M: Backbone>(model: inout M, batch: TrainingBatch, teachers: inout TeacherEnsemble, objective: String, context: inout Context) throws
    {
        let x = batch.views[0]
        try self.init(
            model: &model, studentView: x, teachers: &teachers, teacherView: x, cached: batch.teacherOutputs, objective: objective,
            context: &context)
    }

    /// `agreement` (top-1 of the student against the target) and, with `labels`, the student's `accuracy`
    /// and the target's `teacher_accuracy`.
    public func metrics(labels: IntTensor?) -> [String: Float] {
        var metrics = ["agreement": Metrics.agreement(student, target)]
        if let labels {
            metrics["accuracy"] = Metrics.accuracy(student, labels)
            metrics["teacher_accuracy"] = Metrics.accuracy(target, labels)
        }
        return metrics
    }
}
