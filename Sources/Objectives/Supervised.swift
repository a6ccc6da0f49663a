import Backbones
import NN
import TensorCore

/// Supervised training: cross-entropy of the backbone's classifier logits against labels, with
/// optional label smoothing (Szegedy et al. 2016). With a mixed batch (`data.mix`) the target is
/// the mixed one-hot `λ·y_i + (1 − λ)·y_partner` (timm's `SoftTargetCrossEntropy`), smoothed the same way.
/// The baseline, and how teachers are made.
public struct Supervised<Model: Backbone>: Objective {
    /// Label smoothing ε.
    public var labelSmoothing: Float

    /// A supervised objective with label smoothing `labelSmoothing`.
    public init(labelSmoothing: Float = 0) { self.labelSmoothing = labelSmoothing }

    /// Labels are required.
    public var needsLabels: Bool { true }
    /// No parameters of its own (the classifier belongs to the backbone).
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {}

    /// `ce`: cross-entropy of `model(view 0)` against the (possibly mixed) labels; metric `accuracy`.
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        guard let labels = batch.labels else { throw ObjectiveError.missingLabels(objective: "supervised") }
        let features = model.features(batch.views[0], context: &context)
        let logits = model.classify(features) ?? features
        let ce: Tensor
        if let mix = batch.mix {
            let k = logits.shape[1]
            let soft = mix.targets(labels, classCount: k) * (1 - labelSmoothing) + labelSmoothing / Float(k)
            ce = -(soft * logits.logSoftmax(alongAxis: 1)).sum(alongAxes: [1]).mean()
        } else {
            ce = Tensor.crossEntropy(logits: logits, labels: labels, labelSmoothing: labelSmoothing)
        }
        return ObjectiveOutput(
            terms: [LossTerm("ce", ce)], metrics: ["accuracy": Metrics.accuracy(logits, labels)],
            features: features)
    }
}
