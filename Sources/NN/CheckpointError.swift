import TensorCore

/// What can go wrong reading, writing or loading a checkpoint; every case names the file.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read or written.
    case io(file: String, message: String)
    /// The file is not valid safetensors.
    case malformed(file: String, message: String)
    /// A tensor's dtype is not one we read.
    case unsupportedDType(file: String, key: String, dtype: String)
    /// A model parameter has no tensor in the file.
    case missingKey(file: String, key: String, expectedShape: Shape)
    /// The file holds a tensor the model has no parameter for.
    case unexpectedKey(file: String, key: String, shape: Shape)
    /// A tensor's shape differs from the parameter's.
    case shapeMismatch(file: String, key: String, expected: Shape, found: Shape)

    /// Text naming the file, key and shapes.
    public var description: String {
        switch self {
        case .io(let file, let message): return "\(file): \(message)"
        case .malformed(let file, let message): return "\(file): not a valid safetensors file: \(message)"
        case .unsupportedDType(let file, let key, let dtype): return "\(file): tensor '\(key)' has unsupported dtype \(dtype)"
        case .missingKey(let file, let key, let shape): return "\(file): missing key '\(key)' (model expects shape \(shape))"
        case .unexpectedKey(let file, let key, let shape): return "\(file): unexpected key '\(key)' (shape \(shape)) not in the model"
        case .shapeMismatch(let file, let key, let expected, let found):
            return "\(file): key '\(key)' has shape \(found) in the file but the model expects \(expected)"
        }
    }
}
