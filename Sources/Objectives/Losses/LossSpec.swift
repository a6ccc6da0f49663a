import Foundation
import NN
import TensorCore

/// The element type of a loss input or output as stored in safetensors.
public enum LossDType: String, Sendable, Equatable {
    /// Float32 (inputs stored as F16/BF16 are widened to it on read).
    case f32 = "F32"
    /// Int64 (labels, indices).
    case i64 = "I64"
}

/// One named tensor a loss takes, with its symbolic shape.
public struct LossInput: Sendable {
    /// The safetensors key, e.g. `p1`.
    public var name: String
    /// The shape: named dimensions (`"N"`, `"D"`) that must agree across all inputs of the loss,
    /// or integer literals (`"4"`) that must match exactly. Every dimension must be at least 1.
    public var shape: [String]
    /// The element type.
    public var dtype: LossDType
    /// Whether the input may be left out.
    public var isOptional: Bool

    /// An input `name` of symbolic `shape`.
    public init(_ name: String, _ shape: [String], _ dtype: LossDType = .f32, optional: Bool = false) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.isOptional = optional
    }

    /// `p1 F32 [N, D]`, `queue F32 [A, L, K] (optional)`.
    public var signature: String {
        "\(name) \(dtype.rawValue) [\(shape.joined(separator: ", "))]" + (isOptional ? " (optional)" : "")
    }
}

/// One named scalar or list parameter of a loss (`--param name=value`).
public struct LossParameter: Sendable {
    /// What values a parameter takes.
    public enum Kind: String, Sendable {
        /// A finite number.
        case float = "number"
        /// A finite number > 0.
        case positiveFloat = "positive number"
        /// An integer ≥ 1.
        case positiveInteger = "positive integer"
        /// Comma-separated integers ≥ 0 (`0,1`).
        case indexList = "comma-separated non-negative integers"
    }

    /// The key, e.g. `temperature`.
    public var name: String
    /// The accepted values.
    public var kind: Kind
    /// The reference default as it would be typed; nil: the parameter is required.
    public var defaultValue: String?

    /// A parameter `name` of `kind` with the reference default (nil: required).
    public init(_ name: String, _ kind: Kind, default defaultValue: String?) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
    }

    /// `temperature (positive number, default 0.1)`.
    public var signature: String {
        "\(name) (\(kind.rawValue), " + (defaultValue.map { "default \($0)" } ?? "required") + ")"
    }

    /// Parses `text` as this parameter's value; nil when it is not one.
    public func parse(_ text: String) -> LossParameterValue? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .float:
            guard let v = Float(trimmed), v.isFinite else { return nil }
            return .float(v)
        case .positiveFloat:
            guard let v = Float(trimmed), v.isFinite, v > 0 else { return nil }
            return .float(v)
        case .positiveInteger:
            guard let v = Int(trimmed), v >= 1 else { return nil }
            return .integer(v)
        case .indexList:
            let parts = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
            return .integers(parts.map { $0! })
        }
    }
}

/// A parsed parameter value.
public enum LossParameterValue: Sendable, Equatable, CustomStringConvertible {
    case float(Float)
    case integer(Int)
    case integers([Int])

    /// The value as it would be typed (`0.1`, `3`, `0,1`).
    public var description: String {
        switch self {
        case .float(let v): return "\(v)"
        case .integer(let v): return "\(v)"
        case .integers(let v): return v.map(String.init).joined(separator: ",")
        }
    }
}

/// An output a loss writes besides `loss` and the gradients.
public struct LossOutput: Sendable {
    /// The safetensors key, e.g. `assignments`.
    public var name: String
    /// The symbolic shape (dimensions named as in the inputs).
    public var shape: [String]
    /// F32, or I64 for `labels`.
    public var dtype: LossDType

    /// An extra output `name` of symbolic `shape`.
    public init(_ name: String, _ shape: [String], _ dtype: LossDType = .f32) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
    }
}

/// The checked inputs and parameters handed to a row's `compute`. Every declared, non-optional
/// input is present with its declared dtype and a consistent shape, and every parameter holds a
/// parsed value (the default when not given), so the accessors below cannot fail for declared names.
/// F32 inputs are already watched on a tape.
public struct LossArguments {
    /// F32 inputs by name (traced).
    public var tensors: [String: Tensor]
    /// I64 inputs by name.
    public var integers: [String: Int64Tensor]
    /// Parameter values by name (defaults filled in).
    public var parameters: [String: LossParameterValue]
    /// The sizes bound to the symbolic dimensions (`N`, `D`, ...).
    public var sizes: [String: Int]

    /// The F32 input `name` (declared and required).
    public func tensor(_ name: String) -> Tensor {
        guard let t = tensors[name] else { preconditionFailure("loss table: input '\(name)' is not a checked F32 input") }
        return t
    }

    /// The optional F32 input `name`, if given.
    public func optionalTensor(_ name: String) -> Tensor? { tensors[name] }

    /// The I64 input `name` as labels (`IntTensor`). The registry checks that I64 inputs fit in Int32.
    public func labels(_ name: String) -> IntTensor {
        guard let t = integers[name] else { preconditionFailure("loss table: input '\(name)' is not a checked I64 input") }
        return IntTensor(shape: t.shape, scalars: t.scalars.map { Int32($0) })
    }

    /// The float parameter `name`.
    public func float(_ name: String) -> Float {
        guard case .float(let v) = parameters[name] else { preconditionFailure("loss table: parameter '\(name)' is not a float") }
        return v
    }

    /// The integer parameter `name`.
    public func integer(_ name: String) -> Int {
        guard case .integer(let v) = parameters[name] else { preconditionFailure("loss table: parameter '\(name)' is not an integer") }
        return v
    }

    /// The integer-list parameter `name`.
    public func integers(_ name: String) -> [Int] {
        guard case .integers(let v) = parameters[name] else { preconditionFailure("loss table: parameter '\(name)' is not a list") }
        return v
    }
}

/// What a row's `compute` returns: the loss (a one-element tensor, traced when it has a gradient)
/// and the extra outputs it declares.
public struct LossValue {
    /// The loss; untraced for losses without a gradient (every `grad.X` is then zero).
    public var loss: Tensor
    /// Extra F32 outputs by name.
    public var extras: [String: Tensor]
    /// Extra I64 outputs by name (`labels`).
    public var integerExtras: [String: Int64Tensor]

    /// A loss with optional extra outputs.
    public init(loss: Tensor, extras: [String: Tensor] = [:], integerExtras: [String: Int64Tensor] = [:]) {
        self.loss = loss
        self.extras = extras
        self.integerExtras = integerExtras
    }
}

/// One row of the loss table: everything `retort loss NAME` needs to check, run and describe a loss.
public struct LossEntry: Sendable {
    /// The command-line name, e.g. `simclr`.
    public var name: String
    /// A one-line definition with the reference it follows.
    public var definition: String
    /// The inputs, in the order they are listed and checked.
    public var inputs: [LossInput]
    /// The parameters with their reference defaults.
    public var parameters: [LossParameter]
    /// Outputs besides `loss` and `grad.X`.
    public var extraOutputs: [LossOutput]
    /// Runs the loss on checked arguments by calling the function training uses. The F32 inputs
    /// arrive watched on a tape; the registry takes the gradients. May throw `LossError.invalidInput`
    /// for a problem that depends on the values (not the shapes).
    public var compute: @Sendable (LossArguments) throws -> LossValue

    /// A table row.
    public init(
        name: String, definition: String, inputs: [LossInput], parameters: [LossParameter] = [],
        extraOutputs: [LossOutput] = [], compute: @escaping @Sendable (LossArguments) throws -> LossValue
    ) {
        self.name = name
        self.definition = definition
        self.inputs = inputs
        self.parameters = parameters
        self.extraOutputs = extraOutputs
        self.compute = compute
    }
}
