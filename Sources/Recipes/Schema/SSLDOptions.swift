import Backbones
import Objectives

/// Options of SSLD (PaddleClas): only the teachers; the loss (`KDLosses.dml`) has no parameter and no
/// label term, so the training store may be unlabelled (`retort store subset --drop-labels`).
public struct SSLDOptions: Codable, Sendable, Equatable {
    /// The teachers (several: their mean softmax).
    public var teachers: [TeacherOptions] = []
    /// A teacher-logit cache read instead of running `teachers` (`teacher_cache`, `cache_targets`).
    public var teacherCache: TeacherCacheOptions?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case teachers
        case teacherCache = "teacher_cache"
        case cacheTargets = "cache_targets"
        /// The single-teacher keys of earlier recipes: recognised only to say how to write `teachers`.
        case teacher
        case teacherModel = "teacher_model"
        static var allCases: [CodingKeys] { [.teachers, .teacherCache, .cacheTargets] }
    }

    /// Defaults (the teachers must still be set).
    public init() {}

    /// Decodes with checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        (teachers, teacherCache) = try c.loadTeacherSource(
            .teachers, cache: .teacherCache, targets: .cacheTargets,
            oldKeys: [.teacher, .teacherModel], objective: "ssld")
    }

    /// Encodes the current keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeTeacherSource(teachers, cache: teacherCache, teachersKey: .teachers, cacheKey: .teacherCache, targetsKey: .cacheTargets)
    }
}

extension SSLDOptions: ObjectiveConfiguration, DistillationOptions {
    /// `SSLD` with the teachers loaded (strictly) from their checkpoints.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        SSLD<B>(teachers: try TeacherOptions.ensemble(teachers, objective: "ssld", setup: setup))
    }

    /// The teachers' architectures.
    public var models: [(path: [String], options: ModelOptions)] { TeacherOptions.models(teachers, objective: "ssld") }

    /// Every teacher must fit the student.
    public func problem(in recipe: Recipe) -> RecipeValueError? { TeacherOptions.mismatch(teachers, objective: "ssld", in: recipe) }
}
