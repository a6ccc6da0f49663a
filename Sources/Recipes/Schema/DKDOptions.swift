import Backbones
import Objectives

/// Options of DKD (mdistiller `cfg.DKD` in brackets; defaults from `mdistiller/engine/cfg.py`):
/// `loss = ce_weight * CE + min(epoch / W, 1) * T^2 * (alpha * TCKD + beta * NCKD)`, W = `warmup_fraction`
/// of the run's epochs.
public struct DKDOptions: Codable, Sendable, Equatable {
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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case teachers
        case teacherCache = "teacher_cache"
        case cacheTargets = "cache_targets"
        case alpha, beta, temperature
        case ceWeight = "ce_weight"
        case warmupFraction = "warmup_fraction"
        /// The single-teacher keys of earlier recipes: recognised only to say how to write `teachers`.
        case teacher
        case teacherModel = "teacher_model"
        static var allCases: [CodingKeys] { [.teachers, .teacherCache, .cacheTargets, .alpha, .beta, .temperature, .ceWeight, .warmupFraction] }
    }

    /// Defaults (the teachers must still be set).
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        (teachers, teacherCache) = try c.loadTeacherSource(
            .teachers, cache: .teacherCache, targets: .cacheTargets,
            oldKeys: [.teacher, .teacherModel], objective: "dkd")
        try c.load(&alpha, .alpha, .nonNegative)
        try c.load(&beta, .beta, .nonNegative)
        try c.load(&temperature, .temperature, .positive)
        try c.load(&ceWeight, .ceWeight, .nonNegative)
        try c.load(&warmupFraction, .warmupFraction, .within(0...1))
    }

    /// Encodes the current keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeTeacherSource(teachers, cache: teacherCache, teachersKey: .teachers, cacheKey: .teacherCache, targetsKey: .cacheTargets)
        try c.encode(alpha, forKey: .alpha)
        try c.encode(beta, forKey: .beta)
        try c.encode(temperature, forKey: .temperature)
        try c.encode(ceWeight, forKey: .ceWeight)
        try c.encode(warmupFraction, forKey: .warmupFraction)
    }
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
