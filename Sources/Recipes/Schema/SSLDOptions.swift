import Backbones
import Objectives

/// Options of SSLD (PaddleClas): only the teachers; the loss (`KDLosses.dml`) has no parameter and no
/// label term, so the training store may be unlabelled (`retort store subset --drop-labels`).
public struct SSLDOptions: RecipeSection, Sendable, Equatable {
    /// The teachers (several: their mean softmax).
    public var teachers: [TeacherOptions] = []
    /// A teacher-logit cache read instead of running `teachers` (`teacher_cache`, `cache_targets`).
    public var teacherCache: TeacherCacheOptions?

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .teacherSource(\.teachers, cache: \.teacherCache, objective: "ssld")
        ]
    }

    /// Defaults (the teachers must still be set).
    public init() {}
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
