import Backbones
import Objectives

/// Options of SwAV (facebookresearch/swav `main_swav.py` flags in brackets): the projection head,
/// the prototypes, the swapped prediction, Sinkhorn-Knopp and the queue. Freezing the prototypes
/// for the first iterations (`freeze_prototypes_niters`) is an `optimizer.groups` entry over
/// `objective.prototypes.*` with `freeze_steps`.
public struct SwAVOptions: RecipeSection, Sendable, Equatable {
    /// Projection head hidden width (`hidden_mlp`).
    public var projectorHidden: Int = 2048
    /// Embedding width D (`feat_dim`).
    public var projectorOut: Int = 128
    /// Number of prototypes K (`nmb_prototypes`).
    public var prototypes: Int = 3000
    /// Temperature of the swapped prediction (`temperature`).
    public var temperature: Double = 0.1
    /// ε of Sinkhorn-Knopp (`epsilon`).
    public var epsilon: Double = 0.05
    /// Sinkhorn-Knopp iterations (`sinkhorn_iterations`).
    public var iterations: Int = 3
    /// The views whose codes are computed (`crops_for_assign`), indices into the views of `data.views`.
    public var assign: [Int] = [0, 1]
    /// Queue rows per assigned view, 0 for no queue (`queue_length`); rounded down to a multiple of
    /// `data.batch_size`, as the reference does.
    public var queueLength: Int = 0
    /// The epoch from which the queue is filled (`epoch_queue_starts`).
    public var queueStartEpoch: Int = 15

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("projector_hidden", \.projectorHidden, .atLeast(1)),
            .init("projector_out", \.projectorOut, .atLeast(1)),
            .init("prototypes", \.prototypes, .atLeast(1)),
            .init("temperature", \.temperature, .positive),
            .init("epsilon", \.epsilon, .positive),
            .init("iterations", \.iterations, .atLeast(1)),
            .init(
                "assign", \.assign,
                ValueCheck { a in
                    if a.isEmpty { return "must list at least one view" }
                    if let bad = a.first(where: { $0 < 0 }) { return "must list view indices >= 0, got \(bad)" }
                    return Set(a).count == a.count ? nil : "must not list a view twice, got \(a)"
                }),
            .init("queue_length", \.queueLength, .atLeast(0)),
            .init("queue_start_epoch", \.queueStartEpoch, .atLeast(0)),
        ]
    }

    /// The reference defaults (ImageNet: 3000 prototypes, τ 0.1, ε 0.05, 3 iterations, no queue).
    public init() {}

    /// The queue length the objective uses: rounded down to a multiple of the batch size.
    func effectiveQueueLength(batchSize: Int) -> Int { queueLength - queueLength % max(batchSize, 1) }
}

extension SwAVOptions: ObjectiveConfiguration {
    /// `SwAV` around `model`, with the online probe when `eval.online_probe` is on.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        SwAV(
            model: model, projectorHidden: projectorHidden, projectorOutput: projectorOut, prototypeCount: prototypes,
            temperature: Float(temperature), epsilon: Float(epsilon), iterations: iterations, assign: assign,
            queueLength: effectiveQueueLength(batchSize: setup.recipe.data.batchSize), queueStartEpoch: queueStartEpoch,
            probeClasses: setup.recipe.eval.onlineProbe ? setup.classCount : nil, rng: &setup.rng)
    }

    /// Two views per sample at least, every assigned view among them, and a queue of at least one batch.
    public func problem(in recipe: Recipe) -> RecipeValueError? {
        if let e = requireViews(2, "swav", in: recipe) { return e }
        if let bad = assign.first(where: { $0 >= recipe.data.viewCount }) {
            return RecipeValueError(
                path: ["objective", "swav", "assign"],
                message: "view \(bad) is assigned but data.views makes \(recipe.data.viewCount) views (indices 0..<\(recipe.data.viewCount))")
        }
        if queueLength > 0 && effectiveQueueLength(batchSize: recipe.data.batchSize) == 0 {
            return RecipeValueError(
                path: ["objective", "swav", "queue_length"],
                message: "queue_length \(queueLength) is shorter than one batch (data.batch_size \(recipe.data.batchSize)); use 0 for no queue")
        }
        return nil
    }
}
