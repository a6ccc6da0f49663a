/// The objective names a recipe may use.
public enum ObjectiveName: String, RecipeName {
    case supervised, byol, kd
    /// For messages.
    public static let kindName = "objective"
}

/// The `objective` section: `name` plus that objective's typed options under a key of the same name:
/// `objective: {name: byol, byol: {tau_base: 0.99}}`. Options for another objective are an error.
public enum ObjectiveOptions: Codable, Sendable, Equatable {
    /// Cross-entropy on labels.
    case supervised(SupervisedOptions)
    /// BYOL (Grill et al. 2020).
    case byol(BYOLOptions)
    /// Hinton knowledge distillation from a frozen teacher.
    case kd(KDOptions)

    enum CodingKeys: String, CodingKey, CaseIterable { case name, supervised, byol, kd }

    /// The objective's name.
    public var name: ObjectiveName {
        switch self {
        case .supervised: return .supervised
        case .byol: return .byol
        case .kd: return .kd
        }
    }

    /// Decodes `name` and the matching options (defaults when absent).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name: ObjectiveName = try c.require(.name)
        for key in [CodingKeys.supervised, .byol, .kd] where key.stringValue != name.rawValue && c.contains(key) {
            throw c.invalid(key, "options '\(key.stringValue)' do not apply to objective '\(name.rawValue)'",
                            suggestion: name.rawValue)
        }
        switch name {
        case .supervised:
            var options = SupervisedOptions()
            try c.load(&options, .supervised)
            self = .supervised(options)
        case .byol:
            var options = BYOLOptions()
            try c.load(&options, .byol)
            self = .byol(options)
        case .kd:
            self = .kd(try c.require(.kd))
        }
    }

    /// Encodes `name` and the active options.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        switch self {
        case .supervised(let o): try c.encode(o, forKey: .supervised)
        case .byol(let o): try c.encode(o, forKey: .byol)
        case .kd(let o): try c.encode(o, forKey: .kd)
        }
    }
}

/// Options of the supervised objective.
public struct SupervisedOptions: Codable, Sendable, Equatable {
    /// Label smoothing epsilon in [0, 1).
    public var labelSmoothing: Double = 0

    enum CodingKeys: String, CodingKey, CaseIterable { case labelSmoothing = "label_smoothing" }

    /// Defaults.
    public init(labelSmoothing: Double = 0) { self.labelSmoothing = labelSmoothing }

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&labelSmoothing, .labelSmoothing, .halfOpen(0, 1))
    }
}

/// Options of BYOL: projector and predictor MLPs and the EMA target's cosine tau schedule
/// `tau = 1 - (1 - tau_base) (cos(pi k / K) + 1) / 2`.
public struct BYOLOptions: Codable, Sendable, Equatable {
    /// Projector hidden width.
    public var projectorHidden: Int = 4096
    /// Projector output width.
    public var projectorOut: Int = 256
    /// Predictor hidden width.
    public var predictorHidden: Int = 4096
    /// Base EMA momentum of the target network.
    public var tauBase: Double = 0.996
    /// Batch normalisation in the projector and predictor hidden layers.
    public var headBatchNorm: Bool = true

    enum CodingKeys: String, CodingKey, CaseIterable {
        case projectorHidden = "projector_hidden", projectorOut = "projector_out", predictorHidden = "predictor_hidden"
        case tauBase = "tau_base", headBatchNorm = "head_batch_norm"
    }

    /// BYOL paper defaults.
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&projectorHidden, .projectorHidden, .atLeast(1))
        try c.load(&projectorOut, .projectorOut, .atLeast(1))
        try c.load(&predictorHidden, .predictorHidden, .atLeast(1))
        try c.load(&tauBase, .tauBase, .halfOpen(0, 1))
        try c.load(&headBatchNorm, .headBatchNorm)
    }
}

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
