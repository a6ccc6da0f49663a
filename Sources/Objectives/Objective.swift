import Backbones
import NN
import Support
import TensorCore

/// A named, weighted loss term.
public struct LossTerm {
    /// The name used in logs and metrics (`byol`, `kd_soft`, `ce`).
    public var name: String
    /// The (traced) scalar value.
    public var value: Tensor
    /// The weight the runner multiplies it by when summing.
    public var weight: Float

    /// A term `weight · value` named `name`.
    public init(_ name: String, _ value: Tensor, weight: Float = 1) {
        self.name = name
        self.value = value
        self.weight = weight
    }
}

/// What an objective returns for a batch: named loss terms and extra metrics.
public struct ObjectiveOutput {
    /// The loss terms; the runner sums `weight · value` (per gradient group, see `Objective.gradientGroups`).
    public var terms: [LossTerm]
    /// Untraced scalar metrics (accuracy of an online probe, τ, ...).
    public var metrics: [String: Float]
    /// The pooled backbone features `[N, F]` of view 0 from this forward pass, when the objective
    /// computed them: the generic online probe (`OnlineProbed`) trains on them detached instead of
    /// running the backbone again.
    public var features: Tensor?

    /// An output.
    public init(terms: [LossTerm], metrics: [String: Float] = [:], features: Tensor? = nil) {
        self.terms = terms
        self.metrics = metrics
        self.features = features
    }

    /// Σ weight · value over all terms (traced); zero when there are none.
    public var total: Tensor { total(of: terms) }

    /// Σ weight · value over the terms named in `names`; zero when none of them is present.
    public func total(named names: [String]) -> Tensor { total(of: terms.filter { names.contains($0.name) }) }

    private func total(of terms: [LossTerm]) -> Tensor {
        guard let first = terms.first else { return Tensor(0) }
        return terms.dropFirst().reduce(first.value * first.weight) { $0 + $1.value * $1.weight }
    }
}

/// A set of loss terms whose summed gradient the optimizers receive apart from the others (DOT
/// keeps separate momentum for the task gradient and the distillation gradient).
public struct GradientGroup: Sendable, Equatable {
    /// The group's name (`task`, `kd`).
    public var name: String
    /// The names of the loss terms it sums.
    public var terms: [String]

    /// A group of the terms `terms`.
    public init(_ name: String, terms: [String]) {
        self.name = name
        self.terms = terms
    }
}

/// Where the run is: the step, the epoch and the totals, correct after a resume.
public struct TrainingProgress: Sendable, Equatable {
    /// Optimizer steps taken so far (inside `losses`: before this step's update; in `afterStep`: after it).
    public var step: Int
    /// The total number of optimizer steps of the run.
    public var totalSteps: Int
    /// The current epoch (0-based).
    public var epoch: Int
    /// Optimizer steps in one epoch.
    public var stepsPerEpoch: Int

    /// A progress value.
    public init(step: Int, totalSteps: Int, epoch: Int, stepsPerEpoch: Int = 1) {
        self.step = step
        self.totalSteps = totalSteps
        self.epoch = epoch
        self.stepsPerEpoch = stepsPerEpoch
    }

    /// The fraction of the run done, in [0, 1].
    public var fraction: Double { totalSteps > 0 ? Double(min(step, totalSteps)) / Double(totalSteps) : 1 }
}

/// A no-grad pass over a whole store for epoch hooks (SeLa's dataset-wide labelling, a memory bank
/// refresh): batches of unaugmented views (centre crop, no flip, the run's normalisation) of the
/// training samples, in store order, with their ids and labels. Hooks also `report` what they
/// computed (a labelling's NMI) through it.
public struct DatasetPass {
    /// The number of samples the pass visits.
    public let sampleCount: Int
    /// The ranks of a data-parallel run that may share the pass (`forEachBatchOfThisRank`).
    public var group: any Communicator = SingleProcess()
    private let run: (_ visit: (TrainingBatch) throws -> Void) throws -> Void
    private let reporter: ([String: Float]) -> Void

    /// A pass that calls `visit` for each batch when run; `report` receives the hooks' metrics
    /// (the runner logs them as a record of `metrics.jsonl` at the current step).
    public init(
        sampleCount: Int, report: @escaping ([String: Float]) -> Void = { _ in },
        run: @escaping (_ visit: (TrainingBatch) throws -> Void) throws -> Void
    ) {
        self.sampleCount = sampleCount
        self.run = run
        self.reporter = report
    }

    /// Logs metrics an epoch hook computed (SeLa: `sela_nmi` of a relabelling) at the current step.
    public func report(_ metrics: [String: Float]) {
        if !metrics.isEmpty { reporter(metrics) }
    }

    /// Calls `visit` for every batch of the pass, in order.
    public func forEachBatch(_ visit: (TrainingBatch) throws -> Void) throws {
        try withoutActuallyEscaping(visit) { try run($0) }
    }

    /// Calls `visit` with the index and the batch of this rank's share of the pass: batches `b` with
    /// `b % R == rank` (round-robin, so the ranks' shares differ by at most one batch). Every batch is
    /// still loaded; only the visit (the hook's forward pass) is split. On one rank: every batch.
    public func forEachBatchOfThisRank(_ visit: (Int, TrainingBatch) throws -> Void) throws {
        var index = 0
        try forEachBatch { batch in
            defer { index += 1 }
            if index % group.size == group.rank { try visit(index, batch) }
        }
    }
}

/// A training method: SSL or KD (design.md section 5). An objective owns its extra modules (heads,
/// EMA target, teacher) and visits them as parameters (frozen ones with `isTrainable == false`);
/// it takes the trained backbone through the `Backbone` protocol only. State that is not a
/// parameter (queues, pseudo-label tables, memory banks, counters) is saved with every checkpoint
/// through `state` / `loadState` and restored bit-exactly on resume.
public protocol Objective<Model>: Layer {
    /// The backbone type it trains.
    associatedtype Model: Backbone
    /// The number of augmented views it needs per sample.
    var viewCount: Int { get }
    /// Whether it needs labels.
    var needsLabels: Bool { get }
    /// Loss terms whose gradients the optimizers receive apart; empty: one gradient of all terms.
    var gradientGroups: [GradientGroup] { get }
    /// The loss terms for one batch. Parameters are traced when gradients are wanted; an objective
    /// stops gradients with `detached` and runs frozen modules in their own inference context.
    mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput
    /// Runs after each optimizer step (EMA updates, prototype normalisation, queue updates).
    mutating func afterStep(model: Model, progress: TrainingProgress)
    /// Runs before each optimizer step, after the epoch's `epochStart` (`progress.step` steps done);
    /// may run `data` (no gradients): work scheduled at steps rather than epoch boundaries, such as
    /// SeLa's labellings at quadratically spaced points of the run.
    mutating func beforeStep(model: inout Model, progress: TrainingProgress, data: DatasetPass) throws
    /// Runs before the first step of each epoch (also of a resumed one); may run `data` (no gradients).
    mutating func epochStart(model: inout Model, progress: TrainingProgress, data: DatasetPass) throws
    /// Runs after the last step of each epoch; may run `data` (no gradients).
    mutating func epochEnd(model: inout Model, progress: TrainingProgress, data: DatasetPass) throws
    /// Metrics of the objective's own heads on held-out samples: `data` is a no-grad pass over the
    /// validation part of the training store (centre views). The runner calls it with every
    /// validation kNN (`eval.knn_every`), at the end of a run and from `retort evaluate`, and logs
    /// each metric with a `val_` prefix (SwAV: `val_prototypes_used`). It must not change the
    /// objective's training state.
    mutating func validationMetrics(model: inout Model, data: DatasetPass) throws -> [String: Float]
    /// Non-parameter state (queues, pseudo-labels, RNG counters) as named tensors for checkpoints.
    var state: SafeTensors { get }
    /// Restores `state` saved by `state`; throws naming `file` and the key on a mismatch.
    mutating func loadState(_ state: SafeTensors, file: String) throws
}

extension Objective {
    /// One view unless an objective says otherwise.
    public var viewCount: Int { 1 }
    /// No labels needed unless an objective says so.
    public var needsLabels: Bool { false }
    /// One gradient of the sum of all terms unless an objective says otherwise.
    public var gradientGroups: [GradientGroup] { [] }
    /// Nothing to do after a step unless an objective says so.
    public mutating func afterStep(model: Model, progress: TrainingProgress) {}
    /// Nothing to do before a step unless an objective says so.
    public mutating func beforeStep(model: inout Model, progress: TrainingProgress, data: DatasetPass) throws {}
    /// Nothing to do at the start of an epoch unless an objective says so.
    public mutating func epochStart(model: inout Model, progress: TrainingProgress, data: DatasetPass) throws {}
    /// Nothing to do at the end of an epoch unless an objective says so.
    public mutating func epochEnd(model: inout Model, progress: TrainingProgress, data: DatasetPass) throws {}
    /// No held-out metrics unless an objective says so.
    public mutating func validationMetrics(model: inout Model, data: DatasetPass) throws -> [String: Float] { [:] }
    /// No state beyond parameters unless an objective says so.
    public var state: SafeTensors { SafeTensors() }
    /// Accepts only an empty state unless an objective keeps one.
    public mutating func loadState(_ state: SafeTensors, file: String) throws {
        try state.requireOnly(file: file)
    }
}

extension Layer {
    /// Marks every parameter frozen (not trainable): teachers, EMA targets.
    public mutating func freeze() {
        forEachParameter { _, p in p.isTrainable = false }
    }
}
