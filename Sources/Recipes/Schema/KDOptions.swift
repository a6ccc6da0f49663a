/// Options of Hinton KD: `loss = alpha * CE(student, labels) + (1 - alpha) * T^2 * KL(teacher_T || student_T)`.
public struct KDOptions: Codable, Sendable, Equatable {
    /// Teacher checkpoint (safetensors) path, relative to the working directory.
    public var teacher: String
    /// The teacher's architecture.
    public var teacherModel: ModelOptions
    /// Softmax temperature T.
    public var temperature: Double = 4
    /// Weight of the hard-label cross-entropy term; the KD term gets `1 - alpha`.
    public var alpha: Double = 0.5

    enum CodingKeys: String, CodingKey, CaseIterable {
        case teacher, teacherModel = "teacher_model", temperature, alpha
    }

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
