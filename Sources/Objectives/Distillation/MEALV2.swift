import Backbones
import NN
import Support
import TensorCore

/// MEAL V2 (Shen & Xing 2021; szq0214/MEAL-V2 `train.py`): the student (the trained backbone with its
/// classifier, usually started from a checkpoint with `model.init`) learns from an ensemble of frozen
/// teachers with no hard labels:
///
///     L = −mean_n Σ_k p̄_k log softmax(s)_k  +  BCE(D([s; z̄]), [1,0] for the student rows, [0,1] for the teacher rows)
///
/// p̄ the mean softmax of the teachers at T = 1 (`KDLosses.mealV2`), z̄ their mean logits, D the
/// discriminator (`MEALV2Discriminator`). As the reference, one backward of the sum and one optimizer
/// (the discriminator in its own parameter group, `optimizer.groups` over `objective.discriminator.*`):
/// no min-max, no gradient reversal, so the student also descends the discriminator loss.
/// Terms `meal_v2` and `discriminator`; metrics `discriminator_accuracy` (rows whose argmax is their
/// target), and with labels `accuracy`, `teacher_accuracy` (of the ensemble), `agreement`.
public struct MEALV2<Model: Backbone>: Objective, Distilling {
    /// The frozen teachers (at least two in the reference).
    public var teachers: TeacherEnsemble
    /// The discriminator (trained, under `objective.discriminator.`).
    public var discriminator: MEALV2Discriminator

    /// MEAL V2 from `teachers` with a discriminator over `classCount` logits.
    public init(teachers: TeacherEnsemble, classCount: Int, discriminatorReduction: Int = 8, rng: inout Philox) {
        self.teachers = teachers
        discriminator = MEALV2Discriminator(classCount: classCount, reduction: discriminatorReduction, rng: &rng)
    }

    /// The discriminator (the teachers come from their own checkpoints).
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("discriminator", &discriminator)
    }

    /// `meal_v2` and `discriminator`.
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        if let cached = batch.teacherOutputs, cached.meanLogits == nil {
            throw ObjectiveError.cacheUnsupported(
                objective: "meal_v2",
                reason: "its discriminator takes the teachers' mean raw logits, "
                    + "which a cache holds only when it was made from an ensemble")
        }
        let f = try DistillationForward(model: &model, batch: batch, teachers: &teachers, objective: "meal_v2", context: &context)
        let (s, all) = (f.student, f.teachers)
        let n = s.shape[0]
        let mean = batch.teacherOutputs?.meanLogits ?? TeacherEnsemble.meanLogits(all)
        let d = discriminator.forward(Tensor.concatenate([s, mean], alongAxis: 0), context: &context)
        let dStudent = d.slice(alongAxis: 0, 0..<n)
        let dTeacher = d.slice(alongAxis: 0, n..<(2 * n))
        let terms = [
            LossTerm("meal_v2", KDLosses.mealV2(student: s, teachers: all)),
            LossTerm("discriminator", KDLosses.mealV2Discriminator(student: dStudent, teacher: dTeacher)),
        ]
        let predicted = d.detached.argmax(alongAxis: 1).scalars
        let correct = predicted.enumerated().filter { i, p in Int(p) == (i < n ? 0 : 1) }.count
        var metrics = f.metrics(labels: batch.labels)
        metrics["discriminator_accuracy"] = Float(correct) / Float(2 * n)
        return ObjectiveOutput(terms: terms, metrics: metrics, features: f.features)
    }
}
