import Backbones
import Objectives

/// Options of Hinton KD: `loss = alpha * CE(student, labels) + (1 - alpha) * T^2 * KL(teacher_T || student_T)`.
public struct KDOptions: Codable, Sendable, Equatable {
    /// The teachers (required; several form an ensemble, see `TeacherOptions`).
    public var teachers: [TeacherOptions] = []
    /// A teacher-logit cache read instead of running `teachers` (`teacher_cache`, `cache_targets`).
    public var teacherCache: TeacherCacheOptions?
    /// Softmax temperature T.
    public var temperature: Double = 4
    /// Weight of the hard-label cross-entropy term; the KD term gets `1 - alpha`.
    public var alpha: Double = 0.5

    enum CodingKeys: String, CodingKey, CaseIterable {
        case teachers
        case teacherCache = "teacher_cache"
        case cacheTargets = "cache_targets"
        case temperature, alpha
        /// The single-teacher keys of earlier recipes: recognised only to say how to write `teachers`.
        case teacher
        case teacherModel = "teacher_model"
        static var allCases: [CodingKeys] { [.teachers, .teacherCache, .cacheTargets, .temperature, .alpha] }
    }

    /// Defaults (the teachers must still be set).
    public init() {}

    /// Creates KD options.
    public init(teachers: [TeacherOptions], temperature: Double = 4, alpha: Double = 0.5) {
        self.teachers = teachers
        self.temperature = temperature
        self.alpha = alpha
    }

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        (teachers, teacherCache) = try c.loadTeacherSource(
            .teachers, cache: .teacherCache, targets: .cacheTargets,
            oldKeys: [.teacher, .teacherModel], objective: "kd")
        try c.load(&temperature, .temperature, .positive)
        try c.load(&alpha, .alpha, .probability)
    }

    /// Encodes the current keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeTeacherSource(teachers, cache: teacherCache, teachersKey: .teachers, cacheKey: .teacherCache, targetsKey: .cacheTargets)
        try c.encode(temperature, forKey: .temperature)
        try c.encode(alpha, forKey: .alpha)
    }
}

extension KDOptions: ObjectiveConfiguration, DistillationOptions {
    /// `HintonKD` with the teachers loaded (strictly) from their checkpoints.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        HintonKD<B>(
            teachers: try TeacherOptions.ensemble(teachers, objective: "kd", setup: setup),
            temperature: Float(temperature), alpha: Float(alpha))
    }

    /// The teachers' architectures.
    public var models: [(path: [String], options: ModelOptions)] { TeacherOptions.models(teachers, objective: "kd") }

    /// Every teacher and the student must agree on classes and input channels.
    public func problem(in recipe: Recipe) -> RecipeValueError? { TeacherOptions.mismatch(teachers, objective: "kd", in: recipe) }
}
