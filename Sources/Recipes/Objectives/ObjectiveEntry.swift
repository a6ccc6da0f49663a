/// What an objective needs from the data and the model, for listings and for the checks that do
/// not depend on its options.
public struct ObjectiveNeeds: OptionSet, Sendable {
    /// The set's bits, one per need.
    public let rawValue: Int
    /// Creates a set from its raw bits.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Class labels in the training store.
    public static let labels = ObjectiveNeeds(rawValue: 1 << 0)
    /// The backbone keeps its classifier (supervised, students); otherwise the trunk is trained alone.
    public static let classifier = ObjectiveNeeds(rawValue: 1 << 1)
    /// A frozen teacher checkpoint.
    public static let teacher = ObjectiveNeeds(rawValue: 1 << 2)
    /// Captions (a text field) in the training store.
    public static let text = ObjectiveNeeds(rawValue: 1 << 3)
    /// Two or more augmented views per sample.
    public static let multipleViews = ObjectiveNeeds(rawValue: 1 << 4)

    /// The names of the members, for listings.
    public var names: [String] {
        [(Self.labels, "labels"), (.classifier, "classifier"), (.teacher, "teacher"), (.text, "text"), (.multipleViews, "2+ views")]
            .filter { contains($0.0) }.map(\.1)
    }
}

/// One row of the objective registry: the name a recipe uses, the typed options (whose factory
/// builds the objective), what it needs, a one-line summary, the paper, and the shipped recipe
/// that trains it on Fashion-MNIST (the registry sweep test runs every row from it).
public struct ObjectiveEntry: Sendable {
    /// The lowercase name (`objective.name` in recipes).
    public let name: String
    /// The options type; its `makeObjective` is the factory.
    public let options: any ObjectiveConfiguration.Type
    /// What the method needs.
    public let needs: ObjectiveNeeds
    /// One line for listings.
    public let summary: String
    /// The paper it follows.
    public let paper: String
    /// The shipped recipe (relative to the repository root).
    public let recipe: String
}

extension ObjectiveEntry {
    /// The options with their defaults as the YAML of the `objective.<name>` section.
    public func defaultOptionsYAML() throws -> String {
        try RecipeNodeEncoder.encode(options.init()).yamlText()
    }
}
