/// A problem with a `retort loss` request; each case names the loss and the offending input or
/// parameter, and its description is the one line the command prints.
public enum LossError: Error, Equatable, CustomStringConvertible {
    /// No loss of that name (`suggestion`: the closest known name).
    case unknownLoss(name: String, suggestion: String?, known: [String])
    /// A required input is not in the file (`similar`: a key of the file the loss does not take
    /// that looks like a misspelling of it).
    case missingInput(loss: String, input: String, expected: String, similar: String?)
    /// The file holds a tensor the loss does not take.
    case extraInput(loss: String, input: String, suggestion: String?, accepted: [String])
    /// An input has the wrong element type (`found`: `F32` for any float dtype, or `I64`).
    case wrongDType(loss: String, input: String, expected: String, found: String)
    /// An input's shape does not fit its symbolic shape; `reason` says how.
    case wrongShape(loss: String, input: String, expected: [String], found: [Int], reason: String)
    /// A `--param` key the loss does not have.
    case unknownParameter(loss: String, parameter: String, suggestion: String?, accepted: [String])
    /// A required parameter was not given.
    case missingParameter(loss: String, parameter: String, expected: String)
    /// A parameter value that does not parse as the parameter's kind.
    case invalidParameter(loss: String, parameter: String, value: String, expected: String)
    /// A `--param` argument that is not `KEY=VALUE`, or a key given twice.
    case malformedParameter(text: String, reason: String)
    /// An input whose values (not shape) the loss cannot take, e.g. a label out of range.
    case invalidInput(loss: String, input: String, message: String)

    /// The message `retort loss` prints: what was wrong, the value given and what is accepted.
    public var description: String {
        func names(_ xs: [String]) -> String { xs.isEmpty ? "none" : xs.joined(separator: ", ") }
        func hint(_ s: String?) -> String { s.map { "; did you mean '\($0)'?" } ?? "" }
        switch self {
        case .unknownLoss(let name, let suggestion, let known):
            return "unknown loss '\(name)'\(hint(suggestion)) (known: \(names(known)); see `retort loss list`)"
        case .missingInput(let loss, let input, let expected, let similar):
            return "\(loss): missing input '\(input)' (expected \(expected))" + (similar.map { "; the file has '\($0)' instead?" } ?? "")
        case .extraInput(let loss, let input, let suggestion, let accepted):
            return "\(loss): unexpected input '\(input)'\(hint(suggestion)) (\(loss) takes \(names(accepted)))"
        case .wrongDType(let loss, let input, let expected, let found):
            return "\(loss): input '\(input)' has dtype \(found), expected \(expected)"
        case .wrongShape(let loss, let input, let expected, let found, let reason):
            let f = "[" + found.map(String.init).joined(separator: ", ") + "]"
            return "\(loss): input '\(input)' has shape \(f), expected [\(expected.joined(separator: ", "))]: \(reason)"
        case .unknownParameter(let loss, let parameter, let suggestion, let accepted):
            return "\(loss): unknown parameter '\(parameter)'\(hint(suggestion)) (\(loss) takes \(names(accepted)))"
        case .missingParameter(let loss, let parameter, let expected):
            return "\(loss): parameter '\(parameter)' is required (\(expected)); give --param \(parameter)=VALUE"
        case .invalidParameter(let loss, let parameter, let value, let expected):
            return "\(loss): parameter '\(parameter)' = '\(value)' is not a \(expected)"
        case .malformedParameter(let text, let reason):
            return "--param '\(text)': \(reason)"
        case .invalidInput(let loss, let input, let message):
            return "\(loss): input '\(input)': \(message)"
        }
    }
}
