import Backbones
import Objectives

/// Options of Hinton KD: `loss = alpha * CE(student, labels) + (1 - alpha) * T^2 * KL(teacher_T || student_T)`.
public struct KDOptions: Codable, Sendable, Equatable {
    /// Teacher checkpoint (safetensors) path, relative to the working directory (required).
    public var teacher: String = ""
    /// The teacher's architecture (required).
    public var teacherModel = ModelOptions(backbone: "resnet18")
    /// Softmax temperature T.
    public var temperature: Double = 4
    /// Weight of the hard-label cross-entropy term; the KD term gets `1 - alpha`.
    public var alpha: Double = 0.5

    enum CodingKeys: String, CodingKey, CaseIterable {
        case teacher, teacherModel = "teacher_model", temperature, alpha
    }

    /// Defaults (the teacher must still be set).
    public init() {}

    /// Creates KD options.
    public init(teacher: String, teacherModel: ModelOptions, temperature: Double = 4, alpha: Double = 0.5) {
        self.teacher = teacher
        self.teacherModel = teacherModel
        self.temperature = temperature
        self.alpha = alpha
    }

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        teacher = try c.require(.teacher, ValueCheck { $0.isEmpty ? "must not be empty" : nil })
        teacherModel = try c.require(.teacherModel)
        try c.load(&temperature, .temperature, .positive)
        try c.load(&alpha, .alpha, .probability)
    }
}

extension KDOptions: ObjectiveConfiguration {
    /// `HintonKD` with the teacher loaded (strictly) from `teacher`.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        let t = try setup.loadModel(teacherModel, from: teacher, key: "objective.kd.teacher")
        return HintonKD<B>(teacher: t, temperature: Float(temperature), alpha: Float(alpha))
    }

    /// The teacher's architecture.
    public var models: [(path: [String], options: ModelOptions)] { [(["objective", "kd", "teacher_model"], teacherModel)] }

    /// The teacher and the student must agree on classes and input channels.
    public func problem(in recipe: Recipe) -> RecipeValueError? {
        Self.teacherMismatch(teacherModel, at: ["objective", "kd", "teacher_model"], in: recipe)
    }

    /// An error when the teacher architecture at `path` and the recipe's student disagree on classes
    /// or input channels (shared by the distillation objectives).
    static func teacherMismatch(_ teacherModel: ModelOptions, at path: [String], in recipe: Recipe) -> RecipeValueError? {
        if teacherModel.classes != recipe.model.classes {
            return RecipeValueError(path: path + ["classes"],
                                    message: "teacher has \(teacherModel.classes) classes but the student has \(recipe.model.classes)")
        }
        if teacherModel.inChannels != recipe.model.inChannels {
            return RecipeValueError(path: path + ["in_channels"],
                                    message: "teacher takes \(teacherModel.inChannels) input channels but the student \(recipe.model.inChannels)")
        }
        return nil
    }
}
