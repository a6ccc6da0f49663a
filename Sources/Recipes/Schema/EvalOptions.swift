/// The `eval` section: online probe during training, periodic kNN, and the final linear probe.
public struct EvalOptions: RecipeSection, Sendable, Equatable {
    /// Train a detached linear head on the backbone features during training (any objective; term
    /// `probe`, metric `probe_accuracy`) with its own optimizer group if `optimizer.groups` names `objective.probe.*`.
    public var onlineProbe: Bool = false
    /// Run kNN on the test store every this many epochs; 0 turns it off.
    public var knnEvery: Int = 0
    /// Neighbours k of the kNN classifier.
    public var knnK: Int = 200
    /// Temperature of the kNN vote weights `exp(s / T)`.
    public var knnTemperature: Double = 0.07
    /// Run the linear probe on the final checkpoint.
    public var linearProbe: Bool = false
    /// Weight decays swept by the linear probe.
    public var probeWeightDecays: [Double] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2]
    /// Log RankMe (`RankMe`: effective rank of the backbone features of a fixed batch) every this
    /// many steps and at the last step; 0 turns it off.
    public var rankMeEvery: Int = 0
    /// Samples of that fixed batch: the first ones of the validation part (`data.val_fraction`),
    /// else of the training store, unaugmented.
    public var rankMeSamples: Int = 512

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("online_probe", \.onlineProbe),
            .init("knn_every", \.knnEvery, .atLeast(0)),
            .init("knn_k", \.knnK, .atLeast(1)),
            .init("knn_temperature", \.knnTemperature, .positive),
            .init("linear_probe", \.linearProbe),
            .init(
                "probe_weight_decays", \.probeWeightDecays,
                ValueCheck { w in !w.isEmpty && w.allSatisfy { $0 >= 0 && $0.isFinite } ? nil : "must be a non-empty list of values >= 0, got \(w)" }),
            .init("rankme_every", \.rankMeEvery, .atLeast(0)),
            .init("rankme_samples", \.rankMeSamples, .atLeast(2)),
        ]
    }

    /// Defaults (everything off).
    public init() {}

}
