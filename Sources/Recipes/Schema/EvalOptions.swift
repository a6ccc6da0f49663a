/// The `eval` section: online probe during training, periodic kNN, and the final linear probe.
public struct EvalOptions: Codable, Sendable, Equatable {
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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case onlineProbe = "online_probe"
        case knnEvery = "knn_every"
        case knnK = "knn_k"
        case knnTemperature = "knn_temperature"
        case linearProbe = "linear_probe"
        case probeWeightDecays = "probe_weight_decays"
        case rankMeEvery = "rankme_every"
        case rankMeSamples = "rankme_samples"
    }

    /// Defaults (everything off).
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&onlineProbe, .onlineProbe)
        try c.load(&knnEvery, .knnEvery, .atLeast(0))
        try c.load(&knnK, .knnK, .atLeast(1))
        try c.load(&knnTemperature, .knnTemperature, .positive)
        try c.load(&linearProbe, .linearProbe)
        try c.load(
            &probeWeightDecays, .probeWeightDecays,
            ValueCheck { w in
                !w.isEmpty && w.allSatisfy { $0 >= 0 && $0.isFinite } ? nil : "must be a non-empty list of values >= 0, got \(w)"
            })
        try c.load(&rankMeEvery, .rankMeEvery, .atLeast(0))
        try c.load(&rankMeSamples, .rankMeSamples, .atLeast(2))
    }
}
