import Backbones
import Objectives

/// Options of DKD (mdistiller `cfg.DKD` in brackets; defaults from `mdistiller/engine/cfg.py`):
/// `loss = ce_weight * CE + min(epoch / W, 1) * T^2 * (alpha * TCKD + beta * NCKD)`, W = `warmup_fraction`
/// of the run's epochs.
public struct DKDOptions: Codable, Sendable, Equatable {
    /// Teacher checkpoint (safetensors) path, relative to the working directory (required).
    public var teacher: String = ""
    /// The teacher's architecture (required).
    public var teacherModel = ModelOptions(backbone: "resnet18")
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
        case teacher, teacherModel = "teacher_model", alpha, beta, temperature, ceWeight = "ce_weight", warmupFraction = "warmup_fraction"
    }

    /// Defaults (the teacher must still be set).
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        teacher = try c.require(.teacher, ValueCheck { $0.isEmpty ? "must not be empty" : nil })
        teacherModel = try c.require(.teacherModel)
        try c.load(&alpha, .alpha, .nonNegative)
        try c.load(&beta, .beta, .nonNegative)
        try c.load(&temperature, .temperature, .positive)
        try c.load(&ceWeight, .ceWeight, .nonNegative)
        try c.load(&warmupFraction, .warmupFraction, .within(0...1))
    }
}

extension DKDOptions: ObjectiveConfiguration {
    /// `DKD` with the teacher loaded (strictly) from `teacher`.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        let t = try setup.loadModel(teacherModel, from: teacher, key: "objective.dkd.teacher")
        return DKD<B>(teacher: t, alpha: Float(alpha), beta: Float(beta), temperature: Float(temperature),
                      ceWeight: Float(ceWeight), warmupFraction: warmupFraction)
    }

    /// The teacher's architecture.
    public var models: [(path: [String], options: ModelOptions)] { [(["objective", "dkd", "teacher_model"], teacherModel)] }

    /// The teacher and the student must agree on classes and input channels.
    public func problem(in recipe: Recipe) -> RecipeValueError? {
        KDOptions.teacherMismatch(teacherModel, at: ["objective", "dkd", "teacher_model"], in: recipe)
    }
}
