import Backbones
import Objectives

/// Options of DKD (mdistiller `cfg.DKD` in brackets; defaults from `mdistiller/engine/cfg.py`):
/// `loss = ce_weight * CE + min(epoch / W, 1) * T^2 * (alpha * TCKD + beta * NCKD)`, W = `warmup_fraction`
/// of the run's epochs.
public struct DKDOptions: RecipeSection, Sendable, Equatable {
    /// The teachers (required; several form an ensemble, see `TeacherOptions`).
    public var teachers: [TeacherOptions] = []
    /// A teacher-logit cache read instead of running `teachers` (`teacher_cache`, `cache_targets`).
    public var teacherCache: TeacherCacheOptions?
    /// α, weight of the target-class term (`ALPHA`).
    public var alpha: Double = 1
    /// β, weight of the non-target-class term (`BETA`: 8; 2 to 8 per CIFAR pair, 0.5 on ImageNet R34→R18).
    public var beta: Double = 8
    /// T (`T`: 4 on CIFAR, 1 on ImageNet).
    public var temperature: Double = 4
    /// Weight of the cross-entropy term (`CE_WEIGHT`).
    public var ceWeight: Double = 1
    /// The warm-up length as a fraction of the run's epochs (`WARMUP` 20 of mdistiller's 240 CIFAR epochs).
    public var warmupFraction: Double = 20.0 / 240.0

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .teacherSource(\.teachers, cache: \.teacherCache, objective: "dkd"),
            .init("alpha", \.alpha, .nonNegative),
            .init("beta", \.beta, .nonNegative),
            .init("temperature", \.temperature, .positive),
            .init("ce_weight", \.ceWeight, .nonNegative),
            .init("warmup_fraction", \.warmupFraction, .within(0...1)),
        ]
    }

    /// Defaults (the teachers must still be set).
    public init() {}
}

extension DKDOptions: ObjectiveConfiguration, DistillationOptions {
    /// `DKD` with the teachers loaded (strictly) from their checkpoints.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        DKD<B>(
            teachers: try TeacherOptions.ensemble(teachers, objective: "dkd", setup: setup), alpha: Float(alpha), beta: Float(beta),
            temperature: Float(temperature), ceWeight: Float(ceWeight), warmupFraction: warmupFraction)
    }

    /// The teachers' architectures.
    public var models: [(path: [String], options: ModelOptions)] { TeacherOptions.models(teachers, objective: "dkd") }

    /// Every teacher and the student must agree on classes and input channels.
    public func problem(in recipe: Recipe) -> RecipeValueError? { TeacherOptions.mismatch(teachers, objective: "dkd", in: recipe) }
}
