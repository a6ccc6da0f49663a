import Backbones
import Objectives

/// Options of the supervised objective.
public struct SupervisedOptions: RecipeSection, Sendable, Equatable {
    /// Label smoothing epsilon in [0, 1).
    public var labelSmoothing: Double = 0

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("label_smoothing", \.labelSmoothing, .halfOpen(0, 1))
        ]
    }

    /// No smoothing.
    public init() {}

    /// Smoothing `labelSmoothing`.
    public init(labelSmoothing: Double) { self.labelSmoothing = labelSmoothing }

}

extension SupervisedOptions: ObjectiveConfiguration {
    /// `Supervised` with these options.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        Supervised<B>(labelSmoothing: Float(labelSmoothing))
    }
}
