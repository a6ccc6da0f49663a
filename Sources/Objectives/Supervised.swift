import Backbones
import NN
import TensorCore

/// Supervised training: cross-entropy of the backbone's classifier logits against labels, with
/// optional label smoothing (Szegedy et al. 2016). The baseline, and how teachers are made.
public struct Supervised<Model: Backbone>: Objective {
    /// Label smoothing ε.
    public var labelSmoothing: Float

    /// A supervised objective.
    public init(labelSmoothing: Float = 0) { self.labelSmoothing = labelSmoothing }

    /// One view.
    public var viewCount: Int { 1 }
    /// Labels are required.
    public var needsLabels: Bool { true }
    /// No parameters of its own (the classifier belongs to the backbone).
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {}

    /// `ce`: cross-entropy of `model(view 0)` against the labels; metric `accuracy`.
    public mutating func losses(model: inout Model, batch: TrainingBatch, context: inout Context) -> ObjectiveOutput {
        guard let labels = batch.labels else { fatalError("supervised: the batch has no labels") }
        let logits = model.forward(batch.views[0], context: &context)
        let ce = Tensor.crossEntropy(logits: logits, labels: labels, labelSmoothing: labelSmoothing)
        return ObjectiveOutput(terms: [LossTerm("ce", ce)], metrics: ["accuracy": Supervised.accuracy(logits, labels)])
    }

    /// Top-1 accuracy of `logits` `[N, C]` against `labels`.
    public static func accuracy(_ logits: Tensor, _ labels: IntTensor) -> Float {
        let pred = logits.argmax(alongAxis: 1).scalars
        return Float(zip(pred, labels.scalars).filter { $0 == $1 }.count) / Float(max(labels.count, 1))
    }
}
