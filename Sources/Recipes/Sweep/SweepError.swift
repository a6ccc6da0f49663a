/// A sweep or comparison the user asked for wrongly, naming the flag, value or folder.
public struct SweepError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sentence shown to the user.
    public var description: String
    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
