import Backbones
import NN
import TensorCore

/// SSLD (PaddleClas, "semi-supervised label knowledge distillation"; `ppcls/loss/dmlloss.py::DMLLoss`
/// through `DistillationDMLLoss`): the student matches the frozen teachers with the symmetric KL
/// ½(KL(p_t ‖ p_s) + KL(p_s ‖ p_t)) at T = 1 (`KDLosses.dml`), with no ground-truth term, so unlabelled
/// images train it as well as labelled ones; teacher and student see the same view. Term `dml`;
/// metrics `agreement`, and with labels `accuracy`, `teacher_accuracy`.
public struct SSLD<Model: Backbone>: Objective, Distilling {
    /// The frozen teachers (several: their mean softmax).
    public var teachers: TeacherEnsemble

    /// SSLD from `teachers`.
    public init(teachers: TeacherEnsemble) { self.teachers = teachers }

    /// `dml`.
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        let f = try DistillationForward(model: &model, batch: batch, teachers: &teachers, objective: "ssld", context: &context)
        return ObjectiveOutput(
            terms: [LossTerm("dml", KDLosses.dml(student: f.student, teacher: f.target))],
            metrics: f.metrics(labels: batch.labels), features: f.features)
    }
}
