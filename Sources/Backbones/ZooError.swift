import NN

/// Errors from the zoo; each names the entry and the option.
public enum ZooError: Error, CustomStringConvertible, Equatable {
    /// No entry has this name.
    case unknownName(String, known: [String])
    /// An option value does not fit the entry.
    case invalidOption(entry: String, option: String, message: String)

    /// Text naming the entry and option.
    public var description: String {
        switch self {
        case .unknownName(let n, let known): return "unknown backbone '\(n)' (known: \(known.joined(separator: ", ")))"
        case .invalidOption(let e, let o, let m): return "\(e): option '\(o)': \(m)"
        }
    }
}
