/// A `Decoder` over a located tree: rejects unknown keys (with a suggestion), checks YAML types, and reports
/// problems as `RecipeValueError`s carrying the key path and location.
struct RecipeNodeDecoder: Decoder {
    let node: RecipeNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let entries, _) = node else {
            throw typeError(expected: "a mapping")
        }
        let allowed = allowedKeys(Key.self)
        for entry in entries where Key(stringValue: entry.key) == nil {
            throw RecipeValueError(
                kind: .unknownKey, path: pathStrings(codingPath) + [entry.key],
                message: "unknown key '\(entry.key)'",
                suggestion: EditDistance.suggestion(for: entry.key, among: allowed),
                location: entry.keyLocation)
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, entries: entries))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let items, _) = node else { throw typeError(expected: "a list") }
        return UnkeyedContainer(decoder: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleContainer(decoder: self) }

    /// A wrong-type error at this node.
    func typeError(expected: String) -> RecipeValueError {
        RecipeValueError(
            kind: .wrongType, path: pathStrings(codingPath),
            message: "expected \(expected), found \(node.typeName)", location: node.location)
    }

    /// The decoder for a child node.
    func child(_ node: RecipeNode, key: any CodingKey) -> RecipeNodeDecoder {
        RecipeNodeDecoder(node: node, codingPath: codingPath + [key])
    }

    /// Decodes a scalar or nested value of type `T` from this node.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type: return try scalarString() as! T
        case is Bool.Type: return try decodeBool() as! T
        case is Int.Type: return try decodeInt() as! T
        case is Double.Type: return try decodeDouble() as! T
        case is Float.Type: return Float(try decodeDouble()) as! T
        default: return try T(from: self)
        }
    }

    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard let v = T(exactly: try decodeInt()) else { throw typeError(expected: "an integer in range for \(T.self)") }
        return v
    }

    func scalarString() throws -> String {
        guard case .scalar(let s, let quoted, _) = node, !isNullScalar(s, quoted: quoted) else {
            throw typeError(expected: "a string")
        }
        return s
    }

    func plainScalar(expected: String) throws -> String {
        guard case .scalar(let s, let quoted, _) = node, !quoted, !isNullScalar(s, quoted: quoted) else {
            throw typeError(expected: expected)
        }
        return s
    }

    func decodeBool() throws -> Bool {
        let s = try plainScalar(expected: "true or false")
        switch s {
        case "true", "True", "TRUE", "yes", "Yes", "on", "On": return true
        case "false", "False", "FALSE", "no", "No", "off", "Off": return false
        default: throw typeError(expected: "true or false")
        }
    }

    func decodeInt() throws -> Int {
        let s = try plainScalar(expected: "an integer")
        guard let v = Int(s.replacingOccurrences(of: "_", with: "")) else { throw typeError(expected: "an integer") }
        return v
    }

    func decodeDouble() throws -> Double {
        let s = try plainScalar(expected: "a number")
        switch s {
        case ".inf", ".Inf", ".INF", "+.inf": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default:
            guard let v = Double(s.replacingOccurrences(of: "_", with: "")), s.first != "n", s.first != "i" else {
                throw typeError(expected: "a number")
            }
            return v
        }
    }
}

/// Dotted-path components of a coding path (indices as decimal strings).
func pathStrings(_ path: [any CodingKey]) -> [String] {
    path.map { $0.intValue.map(String.init) ?? $0.stringValue }
}

/// The key names of a `CaseIterable` coding-key type (for suggestions).
func allowedKeys<Key: CodingKey>(_ type: Key.Type) -> [String] {
    guard let iterable = type as? any CaseIterable.Type else { return [] }
    return caseStrings(iterable)
}

private func caseStrings<C: CaseIterable>(_ type: C.Type) -> [String] {
    type.allCases.compactMap { ($0 as? any CodingKey)?.stringValue }
}

/// An integer coding key for list elements.
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) {
        guard let i = Int(stringValue) else { return nil }
        intValue = i
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: RecipeNodeDecoder
    let entries: [RecipeNode.Entry]
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { entries.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { entries.contains { $0.key == key.stringValue } }

    private func value(_ key: Key) throws -> RecipeNode {
        guard let entry = entries.last(where: { $0.key == key.stringValue }) else {
            throw RecipeValueError(
                kind: .missingKey, path: pathStrings(codingPath + [key]),
                message: "missing required key '\(key.stringValue)'", location: decoder.node.location)
        }
        return entry.value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key).isNull }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.child(try value(key), key: key).decodeValue(Bool.self) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder.child(try value(key), key: key).decodeValue(String.self) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder.child(try value(key), key: key).decodeValue(Double.self) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder.child(try value(key), key: key).decodeValue(Float.self) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder.child(try value(key), key: key).decodeValue(Int.self) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder.child(try value(key), key: key).decodeInteger(Int8.self) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder.child(try value(key), key: key).decodeInteger(Int16.self) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder.child(try value(key), key: key).decodeInteger(Int32.self) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder.child(try value(key), key: key).decodeInteger(Int64.self) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder.child(try value(key), key: key).decodeInteger(UInt.self) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder.child(try value(key), key: key).decodeInteger(UInt8.self) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder.child(try value(key), key: key).decodeInteger(UInt16.self) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder.child(try value(key), key: key).decodeInteger(UInt32.self) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder.child(try value(key), key: key).decodeInteger(UInt64.self) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.child(try value(key), key: key).decodeValue(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder.child(try value(key), key: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.child(try value(key), key: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { decoder.child(try value(key), key: key) }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: RecipeNodeDecoder
    let items: [RecipeNode]
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(decoder: RecipeNodeDecoder, items: [RecipeNode]) {
        self.decoder = decoder
        self.items = items
    }

    private mutating func next() throws -> RecipeNodeDecoder {
        guard !isAtEnd else {
            throw RecipeValueError(
                kind: .invalidValue, path: pathStrings(codingPath), message: "list is too short",
                location: decoder.node.location)
        }
        defer { currentIndex += 1 }
        return decoder.child(items[currentIndex], key: IndexKey(currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().decodeValue(Bool.self) }
    mutating func decode(_ type: String.Type) throws -> String { try next().decodeValue(String.self) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next().decodeValue(Double.self) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next().decodeValue(Float.self) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().decodeValue(Int.self) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().decodeInteger(Int8.self) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().decodeInteger(Int16.self) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().decodeInteger(Int32.self) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().decodeInteger(Int64.self) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next().decodeInteger(UInt.self) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next().decodeInteger(UInt8.self) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next().decodeInteger(UInt16.self) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next().decodeInteger(UInt32.self) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().decodeInteger(UInt64.self) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let decoder: RecipeNodeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    func decodeNil() -> Bool { decoder.node.isNull }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodeValue(Bool.self) }
    func decode(_ type: String.Type) throws -> String { try decoder.decodeValue(String.self) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decodeValue(Double.self) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.decodeValue(Float.self) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decodeValue(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.decodeInteger(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.decodeInteger(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decodeInteger(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decodeInteger(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.decodeInteger(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.decodeInteger(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.decodeInteger(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decodeInteger(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decodeInteger(UInt64.self) }
}
