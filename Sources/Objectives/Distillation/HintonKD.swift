import Backbones
import NN
import TensorCore

/// Knowledge distillation (Hinton et al. 2015): the student (the trained backbone, with a
/// classifier) matches a frozen teacher's temperature-softened predictions:
/// L = α·CE(y, s) + (1 − α)·T²·KL(softmax(t/T) ‖ softmax(s/T)). The teachers run in inference mode
/// with no tape; several form an ensemble whose target is their mean softmax at T = 1
/// (`TeacherEnsemble.targetLogits`). α = 0 (or no labels) gives the pure soft-target loss.
public struct HintonKD<Model: Backbone>: Objective, Distilling {
    /// The frozen teachers (backbones with classifiers of the student's class count).
    public var teachers: TeacherEnsemble
    /// T.
    public var temperature: Float
    /// α, the weight of the hard-label term.
    public var alpha: Float

    /// KD from `teachers` (frozen).
    public init(teachers: TeacherEnsemble, temperature: Float = 4, alpha: Float = 0.5) {
        self.teachers = teachers
        self.temperature = temperature
        self.alpha = alpha
    }

    /// KD from one `teacher`, which is frozen here.
    public init(teacher: any Backbone, temperature: Float = 4, alpha: Float = 0.5) {
        self.init(teachers: TeacherEnsemble(teacher: teacher), temperature: temperature, alpha: alpha)
    }

    /// Labels are used when α > 0.
    public var needsLabels: Bool { alpha > 0 }
    /// `task` = the cross-entropy, `kd` = the soft-target term (DOT's two momenta).
    public var gradientGroups: [GradientGroup] { [GradientGroup("task", terms: ["ce"]), GradientGroup("kd", terms: ["kd_soft"])] }

    /// `kd_soft` and, when α > 0, `ce`. Metrics: `accuracy` (student), `teacher_accuracy`, `agreement`.
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        let f = try DistillationForward(model: &model, batch: batch, teachers: &teachers, objective: "kd", context: &context)
        var terms = [LossTerm("kd_soft", KDLosses.hinton(student: f.student, teacher: f.target, temperature: temperature), weight: 1 - alpha)]
        if let labels = batch.labels, alpha > 0 {
            terms.append(LossTerm("ce", Tensor.crossEntropy(logits: f.student, labels: labels), weight: alpha))
        }
        return ObjectiveOutput(terms: terms, metrics: f.metrics(labels: batch.labels), features: f.features)
    }
}
