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

    public var description: String {
        func names(_ xs: [String]) -> String { xs.isEmpty ? "none" : xs.joined(separator: ", ") }
        func hint(_ s: String?) -> String { s.map { "; did you mean '\($0)'?" } ?? "" }
        switch self {
        case let .unknownLoss(name, suggestion, known):
            return "unknown loss '\(name)'\(hint(suggestion)) (known: \(names(known)); see `retort loss list`)"
        case let .missingInput(loss, input, expected, similar):
            return "\(loss): missing input '\(input)' (expected \(expected))" + (similar.map { "; the file has '\($0)' instead?" } ?? "")
        case let .extraInput(loss, input, suggestion, accepted):
            return "\(loss): unexpected input '\(input)'\(hint(suggestion)) (\(loss) takes \(names(accepted)))"
        case let .wrongDType(loss, input, expected, found):
            return "\(loss): input '\(input)' has dtype \(found), expected \(expected)"
        case let .wrongShape(loss, input, expected, found, reason):
            let f = "[" + found.map(String.init).joined(separator: ", ") + "]"
            return "\(loss): input '\(input)' has shape \(f), expected [\(expected.joined(separator: ", "))]: \(reason)"
        case let .unknownParameter(loss, parameter, suggestion, accepted):
            return "\(loss): unknown parameter '\(parameter)'\(hint(suggestion)) (\(loss) takes \(names(accepted)))"
        case let .missingParameter(loss, parameter, expected):
            return "\(loss): parameter '\(parameter)' is required (\(expected)); give --param \(parameter)=VALUE"
        case let .invalidParameter(loss, parameter, value, expected):
            return "\(loss): parameter '\(parameter)' = '\(value)' is not a \(expected)"
        case let .malformedParameter(text, reason):
            return "--param '\(text)': \(reason)"
        case let .invalidInput(loss, input, message):
            return "\(loss): input '\(input)': \(message)"
        }
    }
}
