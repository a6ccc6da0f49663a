import Backbones
import Objectives

/// Options of the supervised objective.
public struct SupervisedOptions: Codable, Sendable, Equatable {
    /// Label smoothing epsilon in [0, 1).
    public var labelSmoothing: Double = 0

    enum CodingKeys: String, CodingKey, CaseIterable { case labelSmoothing = "label_smoothing" }

    /// No smoothing.
    public init() {}

    /// Smoothing `labelSmoothing`.
    public init(labelSmoothing: Double) { self.labelSmoothing = labelSmoothing }

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&labelSmoothing, .labelSmoothing, .halfOpen(0, 1))
    }
}

extension SupervisedOptions: ObjectiveConfiguration {
    /// `Supervised` with these options.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        Supervised<B>(labelSmoothing: Float(labelSmoothing))
    }
}
