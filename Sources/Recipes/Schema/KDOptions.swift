import Backbones
import Objectives

/// Options of Hinton KD: `loss = alpha * CE(student, labels) + (1 - alpha) * T^2 * KL(teacher_T || student_T)`.
public struct KDOptions: RecipeSection, Sendable, Equatable {
    /// The teachers (required; several form an ensemble, see `TeacherOptions`).
    public var teachers: [TeacherOptions] = []
    /// A teacher-logit cache read instead of running `teachers` (`teacher_cache`, `cache_targets`).
    public var teacherCache: TeacherCacheOptions?
    /// Softmax temperature T.
    public var temperature: Double = 4
    /// Weight of the hard-label cross-entropy term; the KD term gets `1 - alpha`.
    public var alpha: Double = 0.5

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .teacherSource(\.teachers, cache: \.teacherCache, objective: "kd"),
            .init("temperature", \.temperature, .positive),
            .init("alpha", \.alpha, .probability),
        ]
    }

    /// Defaults (the teachers must still be set).
    public init() {}

    /// Creates KD options.
    public init(teachers: [TeacherOptions], temperature: Double = 4, alpha: Double = 0.5) {
        self.teachers = teachers
        self.temperature = temperature
        self.alpha = alpha
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
