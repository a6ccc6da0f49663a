import Backbones
import NN
import TensorCore

/// Decoupled knowledge distillation (Zhao et al., CVPR 2022; mdistiller `mdistiller/distillers/DKD.py`):
/// the student (the trained backbone with its classifier) learns from a frozen teacher through
///
///     L = w_ce·CE(y, s) + min(e / W, 1)·T²·(α·TCKD + β·NCKD)
///
/// (`KDLosses.dkd`), with e the 1-based epoch and W the warm-up length in epochs. mdistiller's W is
/// 20 of 240 epochs; here W = `warmupFraction` × the run's epochs, so a short run also leaves its
/// warm-up (e counts whole epochs, as the reference's `epoch` argument does, so the factor steps up
/// once per epoch). The teacher runs in inference mode
/// without a tape. Terms: `ce`, `tckd`, `nckd` (each logged; the warm-up factor is in the weights of
/// the last two, and the metric `dkd_warmup`); gradient groups `task` = [`ce`] and `kd` = [`tckd`,
/// `nckd`] for DOT.
public struct DKD<Model: Backbone>: Objective, Distilling {
    /// The frozen teachers (backbones with classifiers of the student's class count; several: their mean softmax).
    public var teachers: TeacherEnsemble
    /// α, the weight of the target-class term.
    public var alpha: Float
    /// β, the weight of the non-target-class term.
    public var beta: Float
    /// T.
    public var temperature: Float
    /// The weight of the cross-entropy term (mdistiller `CE_WEIGHT`).
    public var ceWeight: Float
    /// The warm-up length as a fraction of the run's epochs (mdistiller: 20 / 240).
    public var warmupFraction: Double

    /// DKD from `teacher`, which is frozen here.
    public init(
        teacher: any Backbone, alpha: Float = 1, beta: Float = 8, temperature: Float = 4, ceWeight: Float = 1,
        warmupFraction: Double = 20.0 / 240.0
    ) {
        self.init(
            teachers: TeacherEnsemble(teacher: teacher), alpha: alpha, beta: beta, temperature: temperature,
            ceWeight: ceWeight, warmupFraction: warmupFraction)
    }

    /// DKD from `teachers` (frozen).
    public init(
        teachers: TeacherEnsemble, alpha: Float = 1, beta: Float = 8, temperature: Float = 4, ceWeight: Float = 1,
        warmupFraction: Double = 20.0 / 240.0
    ) {
        self.teachers = teachers
        self.alpha = alpha
        self.beta = beta
        self.temperature = temperature
        self.ceWeight = ceWeight
        self.warmupFraction = warmupFraction
    }

    /// The target class splits the distribution.
    public var needsLabels: Bool { true }
    /// `task` = the cross-entropy, `kd` = the two DKD terms (DOT's two momenta).
    public var gradientGroups: [GradientGroup] { [GradientGroup("task", terms: ["ce"]), GradientGroup("kd", terms: ["tckd", "nckd"])] }

    /// min(e / W, 1) at `progress`, with e the 1-based epoch and W = `warmupFraction` × the run's epochs.
    public func warmupFactor(_ progress: TrainingProgress) -> Float {
        let epochs = Double(progress.totalSteps) / Double(max(progress.stepsPerEpoch, 1))
        let length = warmupFraction * epochs
        return length > 0 ? Float(min(Double(progress.epoch + 1) / length, 1)) : 1
    }

    /// `ce`, `tckd`, `nckd`. Metrics: `accuracy` (student), `teacher_accuracy`, `agreement`, `dkd_warmup`.
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        guard let labels = batch.labels else { throw ObjectiveError.missingLabels(objective: "dkd") }
        let f = try DistillationForward(model: &model, batch: batch, teachers: &teachers, objective: "dkd", context: &context)
        let warmup = warmupFactor(progress)
        let d = KDLosses.dkd(student: f.student, teacher: f.target, labels: labels, temperature: temperature)
        let terms = [
            LossTerm("ce", Tensor.crossEntropy(logits: f.student, labels: labels), weight: ceWeight),
            LossTerm("tckd", d.tckd, weight: warmup * alpha), LossTerm("nckd", d.nckd, weight: warmup * beta),
        ]
        var metrics = f.metrics(labels: labels)
        metrics["dkd_warmup"] = warmup
        return ObjectiveOutput(terms: terms, metrics: metrics, features: f.features)
    }
}
