import Backbones
import Objectives

/// Options of SeLa (yukimasano/self-label `main.py` flags in brackets): the heads, Sinkhorn-Knopp's
/// λ and how many times the pseudo-labels are recomputed.
public struct SeLaOptions: RecipeSection, Sendable, Equatable {
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

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("heads", \.heads, .atLeast(1)),
            .init("clusters", \.clusters, .atLeast(2)),
            .init("lambda", \.lambda, .positive),
            .init("label_updates", \.labelUpdates, .atLeast(1)),
        ]
    }

    /// The reference defaults (ImageNet: one head of 3000 clusters, λ 25, 100 updates).
    public init() {}

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
