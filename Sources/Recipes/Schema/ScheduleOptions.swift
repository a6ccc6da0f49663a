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
public struct ScheduleOptions: RecipeSection, Sendable, Equatable {
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

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("name", \.name),
            .optional("warmup_epochs", \.warmupEpochs, .nonNegative),
            .optional("warmup_steps", \.warmupSteps, .atLeast(0)),
            .init("min_lr", \.minLR, .nonNegative),
            .init(
                "milestones", \.milestones,
                ValueCheck { m in
                    zip(m, m.dropFirst()).allSatisfy { $0 < $1 } && m.allSatisfy { $0 > 0 } ? nil : "must be positive and increasing, got \(m)"
                }),
            .init("gamma", \.gamma, .within(0...1)),
        ]
    }

    /// Cosine without warmup.
    public init() {}

    /// `warmup_epochs` and `warmup_steps` exclude each other; the step schedule needs milestones.
    public func validate(_ c: KeyedDecodingContainer<RecipeKey<Self>>) throws {
        if warmupEpochs != nil && warmupSteps != nil {
            throw c.invalid(RecipeKey("warmup_steps"), "give warmup_epochs or warmup_steps, not both")
        }
        if name == .step && milestones.isEmpty { throw c.invalid(RecipeKey("milestones"), "the step schedule needs milestones") }
    }
}
