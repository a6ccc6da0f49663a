/// A problem with a recipe that the user can fix; the description names file, line, key path and a suggestion.
public struct RecipeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be read.
        case unreadableFile
        /// The YAML text is not well-formed.
        case malformedYAML
        /// A key the schema does not know.
        case unknownKey
        /// A key given twice in one mapping.
        case duplicateKey
        /// A required key is absent.
        case missingKey
        /// A value of the wrong YAML type (e.g. a string where a number belongs).
        case wrongType
        /// A value of the right type but outside what is allowed (negative lr, unknown name).
        case invalidValue
        /// `base:` recipes that include each other.
        case baseCycle
        /// A malformed `--set` override.
        case invalidOverride
    }

    /// What kind of problem it is.
    public var kind: Kind
    /// Human-readable problem, without location (e.g. `unknown key 'optimiser'`).
    public var message: String
    /// Where the offending value (or key) is.
    public var location: SourceLocation?
    /// Dotted key path in the recipe (e.g. `optimizer.lr`, `data.views.0.flip`).
    public var keyPath: String
    /// The closest allowed alternative, when there is one.
    public var suggestion: String?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, location: SourceLocation? = nil, keyPath: String = "", suggestion: String? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
        self.keyPath = keyPath
        self.suggestion = suggestion
    }

    /// `unknown key 'optimiser' at recipes/x.yaml:3 (optimiser); did you mean 'optimizer'?`
    public var description: String {
        var text = message
        if let location { text += " at \(location)" }
        if !keyPath.isEmpty { text += " (\(keyPath))" }
        if let suggestion { text += "; did you mean '\(suggestion)'?" }
        return text
    }
}

/// A value problem found while decoding a section or checking a recipe across sections; the
/// loader adds the file and line of `path`.
public struct RecipeValueError: Error, Sendable {
    /// What kind of problem it is.
    public var kind: RecipeError.Kind = .invalidValue
    /// The key path of the offending value (`["objective", "kd", "teacher"]`).
    public var path: [String]
    /// The problem, without location.
    public var message: String
    /// The closest allowed alternative, when there is one.
    public var suggestion: String?
    /// Location already known (e.g. for unknown keys), else looked up from `path`.
    public var location: SourceLocation?

    /// A problem at `path`.
    public init(
        kind: RecipeError.Kind = .invalidValue, path: [String], message: String, suggestion: String? = nil,
        location: SourceLocation? = nil
    ) {
        self.kind = kind
        self.path = path
        self.message = message
        self.suggestion = suggestion
        self.location = location
    }
}
