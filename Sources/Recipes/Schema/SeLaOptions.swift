import Backbones
import Objectives

/// Options of SeLa (yukimasano/self-label `main.py` flags in brackets): the heads, Sinkhorn-Knopp's
/// λ and how many times the pseudo-labels are recomputed.
public struct SeLaOptions: Codable, Sendable, Equatable {
    /// Classification heads (`hc`).
    public var heads: Int = 1
    /// Clusters per head K (`ncl`).
    public var clusters: Int = 3000
    /// λ of Sinkhorn-Knopp, `P^λ` (`lamb`: 25 on ImageNet, 10 on CIFAR).
    public var lambda: Double = 25
    /// Label updates over the run (`nopts`), spaced quadratically in steps as the reference spaces them
    /// in samples: update `i` before step `⌈(T + 1.01·S)(i / (n − 1))²⌉` of a `T`-step run with `S` steps
    /// per epoch (`SeLa.labelSteps`; those past the end are dropped, as the reference's last one is).
    public var labelUpdates: Int = 100

    enum CodingKeys: String, CodingKey, CaseIterable {
        case heads, clusters, lambda
        case labelUpdates = "label_updates"
    }

    /// The reference defaults (ImageNet: one head of 3000 clusters, λ 25, 100 updates).
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&heads, .heads, .atLeast(1))
        try c.load(&clusters, .clusters, .atLeast(2))
        try c.load(&lambda, .lambda, .positive)
        try c.load(&labelUpdates, .labelUpdates, .atLeast(1))
    }
}

extension SeLaOptions: ObjectiveConfiguration {
    /// `SeLa` around `model` with `label_updates` labellings spaced over the run by `SeLa.labelSteps`,
    /// and the online probe when `eval.online_probe` is on.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        SeLa(
            model: model, headCount: heads, clusterCount: clusters, lambda: lambda,
            labelUpdates: labelUpdates,
            probeClasses: setup.recipe.eval.onlineProbe ? setup.classCount : nil, rng: &setup.rng)
    }
}
