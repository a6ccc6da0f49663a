/// Helpers the schema's `init(from:)` use: defaults for absent keys and value checks with precise errors.
extension KeyedDecodingContainer {
    /// Replaces `value` with the key's value when present (null keeps the default), then checks it.
    func load<T: Decodable>(_ value: inout T, _ key: Key, _ check: ValueCheck<T>? = nil) throws {
        if contains(key), !(try decodeNil(forKey: key)) { value = try decode(T.self, forKey: key) }
        if let check, let problem = check.problem(value) { throw invalid(key, "\(key.stringValue) \(problem)") }
    }

    /// Like `load`, for optional fields: present and non-null sets it, null clears it.
    func loadOptional<T: Decodable>(_ value: inout T?, _ key: Key, _ check: ValueCheck<T>? = nil) throws {
        if contains(key) { value = try decodeNil(forKey: key) ? nil : try decode(T.self, forKey: key) }
        if let check, let v = value, let problem = check.problem(v) { throw invalid(key, "\(key.stringValue) \(problem)") }
    }

    /// Decodes a required key.
    func require<T: Decodable>(_ key: Key, _ check: ValueCheck<T>? = nil) throws -> T {
        if try !contains(key) || decodeNil(forKey: key) {
            throw RecipeValueError(
                kind: .missingKey, path: pathStrings(codingPath + [key]),
                message: "missing required key '\(key.stringValue)'")
        }
        let value = try decode(T.self, forKey: key)
        if let check, let problem = check.problem(value) { throw invalid(key, "\(key.stringValue) \(problem)") }
        return value
    }

    /// An invalid-value error at `key`.
    func invalid(_ key: Key, _ message: String, suggestion: String? = nil) -> any Error {
        RecipeValueError(path: pathStrings(codingPath + [key]), message: message, suggestion: suggestion)
    }
}

/// A check on a decoded value; `problem` says what is wrong (`must be > 0, got -1`), nil when fine.
struct ValueCheck<T> {
    /// Returns a description of the problem, or nil.
    let problem: (T) -> String?

    /// Creates a check from a closure.
    init(_ problem: @escaping (T) -> String?) { self.problem = problem }
}

extension ValueCheck where T == Double {
    /// Strictly positive and finite.
    static var positive: ValueCheck { ValueCheck { $0 > 0 && $0.isFinite ? nil : "must be > 0, got \($0)" } }
    /// Zero or more and finite.
    static var nonNegative: ValueCheck { ValueCheck { $0 >= 0 && $0.isFinite ? nil : "must be >= 0, got \($0)" } }
    /// A probability in [0, 1].
    static var probability: ValueCheck { ValueCheck { (0...1).contains($0) ? nil : "must be a probability in [0, 1], got \($0)" } }
    /// Within a closed range.
    static func within(_ range: ClosedRange<Double>) -> ValueCheck {
        ValueCheck { range.contains($0) ? nil : "must be in [\(range.lowerBound), \(range.upperBound)], got \($0)" }
    }
    /// In [low, high).
    static func halfOpen(_ low: Double, _ high: Double) -> ValueCheck {
        ValueCheck { $0 >= low && $0 < high ? nil : "must be in [\(low), \(high)), got \($0)" }
    }
}

extension ValueCheck where T == Int {
    /// At least `n`.
    static func atLeast(_ n: Int) -> ValueCheck { ValueCheck { $0 >= n ? nil : "must be >= \(n), got \($0)" } }
}

extension ValueCheck where T == String {
    /// Not the empty string (paths, names).
    static var nonEmpty: ValueCheck { ValueCheck { $0.isEmpty ? "must not be empty" : nil } }
}

extension ValueCheck where T == [Double] {
    /// Every element strictly positive.
    static var allPositive: ValueCheck {
        ValueCheck { values in values.allSatisfy { $0 > 0 && $0.isFinite } ? nil : "must all be > 0, got \(values)" }
    }
}

/// A string-valued choice in a recipe (`sgd`, `byol`, `cosine`); unknown names give a suggestion.
public protocol RecipeName: RawRepresentable<String>, CaseIterable, Codable, Sendable, Equatable {
    /// What the name names, for messages (`optimizer`, `objective`).
    static var kindName: String { get }
}

extension RecipeName {
    /// Decodes the name, rejecting unknown ones with the closest valid name.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: text) else {
            let names = Self.allCases.map(\.rawValue)
            throw RecipeValueError(
                path: pathStrings(decoder.codingPath),
                message: "unknown \(Self.kindName) '\(text)' (expected one of: \(names.joined(separator: ", ")))",
                suggestion: EditDistance.suggestion(for: text, among: names))
        }
        self = value
    }

    /// Encodes the raw name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A `[low, high]` pair written as a two-element list (crop scale, aspect ratio, blur sigma).
public struct RangePair: Codable, Sendable, Equatable {
    /// Lower bound.
    public var lower: Double
    /// Upper bound (>= lower).
    public var upper: Double

    /// Creates a pair.
    public init(_ lower: Double, _ upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// Decodes `[low, high]` and checks `low <= high`.
    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        guard c.count == 2 else {
            throw RecipeValueError(
                kind: .wrongType, path: pathStrings(decoder.codingPath),
                message: "expected a list of two numbers [low, high], got \(c.count ?? 0) items")
        }
        lower = try c.decode(Double.self)
        upper = try c.decode(Double.self)
        guard lower <= upper, lower.isFinite, upper.isFinite else {
            throw RecipeValueError(path: pathStrings(decoder.codingPath), message: "range [\(lower), \(upper)] must have low <= high")
        }
    }

    /// Encodes `[low, high]`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(lower)
        try c.encode(upper)
    }
}

extension ValueCheck where T == RangePair {
    /// Both bounds in a closed range, lower bound strictly above `exclusiveLow` if given.
    static func within(_ range: ClosedRange<Double>, lowerAbove: Double? = nil) -> ValueCheck {
        ValueCheck { pair in
            if let floor = lowerAbove, pair.lower <= floor { return "lower bound must be > \(floor), got \(pair.lower)" }
            return range.contains(pair.lower) && range.contains(pair.upper)
                ? nil : "must lie in [\(range.lowerBound), \(range.upperBound)], got [\(pair.lower), \(pair.upper)]"
        }
    }
}
