/// The learning-rate schedule names a recipe may use.
public enum ScheduleName: String, RecipeName {
    /// Warmup then half-cosine decay to `min_lr`.
    case cosine
    /// Warmup then multiply by `gamma` at each milestone epoch.
    case step
    /// Warmup then constant.
    case constant
    /// For messages.
    public static let kindName = "schedule"
}

/// The `schedule` section: linear warmup from 0, then cosine decay to `min_lr`, step decay, or constant.
public struct ScheduleOptions: Codable, Sendable, Equatable {
    /// Which schedule.
    public var name: ScheduleName = .cosine
    /// Warmup length in epochs (fractions allowed); exclusive with `warmup_steps`.
    public var warmupEpochs: Double?
    /// Warmup length in optimizer steps; exclusive with `warmup_epochs`.
    public var warmupSteps: Int?
    /// Final learning rate of the cosine schedule.
    public var minLR: Double = 0
    /// Epochs at which the step schedule multiplies the rate by `gamma` (increasing).
    public var milestones: [Int] = []
    /// Step schedule factor.
    public var gamma: Double = 0.1

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case warmupEpochs = "warmup_epochs"
        case warmupSteps = "warmup_steps"
        case minLR = "min_lr"
        case milestones, gamma
    }

    /// Cosine without warmup.
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&name, .name)
        try c.loadOptional(&warmupEpochs, .warmupEpochs, .nonNegative)
        try c.loadOptional(&warmupSteps, .warmupSteps, .atLeast(0))
        try c.load(&minLR, .minLR, .nonNegative)
        try c.load(
            &milestones, .milestones,
            ValueCheck { m in
                zip(m, m.dropFirst()).allSatisfy { $0 < $1 } && m.allSatisfy { $0 > 0 } ? nil : "must be positive and increasing, got \(m)"
            })
        try c.load(&gamma, .gamma, .within(0...1))
        if warmupEpochs != nil && warmupSteps != nil {
            throw c.invalid(.warmupSteps, "give warmup_epochs or warmup_steps, not both")
        }
        if name == .step && milestones.isEmpty { throw c.invalid(.milestones, "the step schedule needs milestones") }
    }
}
