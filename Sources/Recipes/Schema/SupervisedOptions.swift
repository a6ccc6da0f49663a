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
