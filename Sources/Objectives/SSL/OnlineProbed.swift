import Backbones
import NN
import Support
import TensorCore

/// Any objective plus the online linear probe (`eval.online_probe`) for methods that do not train
/// one themselves: the base objective's terms and metrics, plus the term `probe` (cross-entropy of
/// a linear classifier on the detached features of view 0) and the metric `probe_accuracy`. The
/// features are the base's (`ObjectiveOutput.features`) when it returns them, else one extra pass
/// of the backbone over view 0 in inference mode (no batch-norm statistics updated). No gradient
/// reaches the backbone. Parameters: the base's own paths unchanged, the probe under `probe.`, so
/// `optimizer.groups` gives it its own optimizer and learning rate with `params: ["objective.probe.*"]`.
public struct OnlineProbed<Base: Objective>: Objective {
    /// The base's backbone type.
    public typealias Model = Base.Model
    /// The wrapped objective.
    public var base: Base
    /// The probe `[N, F] -> [N, classes]`.
    public var probe: OnlineProbe

    /// Wraps `base`, with a probe from `model`'s features to `classCount` classes drawn from `rng`.
    public init(_ base: Base, model: Model, classCount: Int, rng: inout Philox) {
        self.base = base
        probe = OnlineProbe(featureCount: model.featureCount, classCount: classCount, rng: &rng)
    }

    /// The base's view count.
    public var viewCount: Int { base.viewCount }
    /// Whether the base needs labels (the probe trains only on labelled batches, it never requires them).
    public var needsLabels: Bool { base.needsLabels }
    /// The base's groups, the probe term added to the first (its parameters are disjoint from the rest).
    public var gradientGroups: [GradientGroup] {
        var groups = base.gradientGroups
        if !groups.isEmpty { groups[0].terms.append("probe") }
        return groups
    }

    /// The base's parameters at their own paths, then `probe.*`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("", &base)
        visitor.visit("probe", &probe)
    }

    /// The base's output plus `probe` and `probe_accuracy` when the batch has labels.
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        var out = try base.losses(model: &model, batch: batch, progress: progress, context: &context)
        guard batch.labels != nil else { return out }
        let features: Tensor
        if let f = out.features {
            features = f
        } else {
            var inference = Context(training: false, rng: context.rng)
            features = model.features(batch.views[0].detached, context: &inference)
        }
        probe.addTerm(features: features, labels: batch.labels, context: &context, to: &out.terms, metrics: &out.metrics)
        return out
    }

    /// The base's step hook (EMA, queues); the probe has none.
    public mutating func afterStep(model: Model, progress: TrainingProgress) { base.afterStep(model: model, progress: progress) }
    /// The base's before-step hook (SeLa-style labellings at steps).
    public mutating func beforeStep(model: inout Model, progress: TrainingProgress, data: DatasetPass) throws {
        try base.beforeStep(model: &model, progress: progress, data: data)
    }
    /// The base's epoch-start hook.
    public mutating func epochStart(model: inout Model, progress: TrainingProgress, data: DatasetPass) throws {
        try base.epochStart(model: &model, progress: progress, data: data)
    }
    /// The base's epoch-end hook.
    public mutating func epochEnd(model: inout Model, progress: TrainingProgress, data: DatasetPass) throws {
        try base.epochEnd(model: &model, progress: progress, data: data)
    }
    /// The base's held-out metrics.
    public mutating func validationMetrics(model: inout Model, data: DatasetPass) throws -> [String: Float] {
        try base.validationMetrics(model: &model, data: data)
    }
    /// The base's state (the probe's weights are parameters, saved with the objective's modules).
    public var state: SafeTensors { base.state }
    /// Restores the base's state.
    public mutating func loadState(_ state: SafeTensors, file: String) throws { try base.loadState(state, file: file) }
}
