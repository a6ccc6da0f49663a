import Backbones
import NN
import TensorCore

/// One training batch as objectives see it: the augmented views, labels and sample ids.
public struct TrainingBatch {
    /// Each view `[N, C, H, W]`, normalised.
    public var views: [Tensor]
    /// Class labels `[N]`, when the store has them.
    public var labels: IntTensor?
    /// Per-sample ids (stable across epochs, e.g. for SeLa pseudo-labels).
    public var sampleIDs: [UInt64]

    /// A batch.
    public init(views: [Tensor], labels: IntTensor?, sampleIDs: [UInt64]) {
        self.views = views
        self.labels = labels
        self.sampleIDs = sampleIDs
    }
}

/// A named, weighted loss term.
public struct LossTerm {
    /// The name used in logs and metrics (`byol`, `kd_soft`, `ce`).
    public var name: String
    /// The (traced) scalar value.
    public var value: Tensor
    /// The weight the runner multiplies it by when summing.
    public var weight: Float

    /// A term.
    public init(_ name: String, _ value: Tensor, weight: Float = 1) {
        self.name = name
        self.value = value
        self.weight = weight
    }
}

/// What an objective returns for a batch: named loss terms and extra metrics.
public struct ObjectiveOutput {
    /// The loss terms; the runner sums `weight * value`.
    public var terms: [LossTerm]
    /// Untraced scalar metrics (accuracy of an online probe, τ, ...).
    public var metrics: [String: Float]

    /// An output.
    public init(terms: [LossTerm], metrics: [String: Float] = [:]) {
        self.terms = terms
        self.metrics = metrics
    }

    /// Σ weight · value (traced).
    public var total: Tensor {
        terms.dropFirst().reduce(terms[0].value * terms[0].weight) { $0 + $1.value * $1.weight }
    }
}

/// Where the run is, for schedules inside objectives (EMA τ, freezing).
public struct TrainingProgress: Sendable {
    /// Optimizer steps taken so far (after this step's update, in `afterStep`).
    public var step: Int
    /// The total number of optimizer steps of the run.
    public var totalSteps: Int
    /// The current epoch (0-based).
    public var epoch: Int

    /// A progress value.
    public init(step: Int, totalSteps: Int, epoch: Int) {
        self.step = step
        self.totalSteps = totalSteps
        self.epoch = epoch
    }
}

/// A training method: SSL or KD (design.md section 5). An objective owns its extra modules (heads,
/// EMA target, teacher) and visits them as parameters (frozen ones with `isTrainable == false`);
/// it takes the trained backbone through the `Backbone` protocol only.
public protocol Objective: Layer {
    /// The backbone type it trains.
    associatedtype Model: Backbone
    /// The number of augmented views it needs per sample.
    var viewCount: Int { get }
    /// Whether it needs labels.
    var needsLabels: Bool { get }
    /// The loss terms for one batch; `context.tape` is recording when gradients are wanted.
    mutating func losses(model: inout Model, batch: TrainingBatch, context: inout Context) -> ObjectiveOutput
    /// Runs after each optimizer step (EMA updates, prototype normalisation, ...).
    mutating func afterStep(model: Model, progress: TrainingProgress)
}

extension Objective {
    /// No labels needed unless an objective says so.
    public var needsLabels: Bool { false }
    /// Nothing to do after a step unless an objective says so.
    public mutating func afterStep(model: Model, progress: TrainingProgress) {}
}

extension Layer {
    /// Marks every parameter frozen (not trainable): teachers, EMA targets.
    public mutating func freeze() {
        forEachParameter { _, p in p.isTrainable = false }
    }
}
