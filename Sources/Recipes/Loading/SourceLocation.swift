/// Where a recipe value came from: a file and line, or a `--set` override.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it (or `--set 'a.b=c'` for an override).
    public var file: String
    /// 1-based line, nil for overrides.
    public var line: Int?
    /// 1-based column, nil for overrides.
    public var column: Int?

    /// Creates a location.
    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line`, or just the file when there is no line.
    public var description: String {
        if let line { return "\(file):\(line)" }
        return file
    }
}
