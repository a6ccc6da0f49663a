/// An `Encoder` that turns the schema back into a tree (then YAML), keeping declaration order.
struct RecipeNodeEncoder: Encoder {
    let node: MutableNode
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Encodes a value to a tree.
    static func encode<T: Encodable>(_ value: T) throws -> RecipeNode {
        let root = MutableNode()
        try value.encode(to: RecipeNodeEncoder(node: root))
        return root.frozen()
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeMapping()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeSequence()
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(node: node, codingPath: codingPath) }
}

/// A mutable tree under construction by the encoder.
final class MutableNode {
    enum Kind {
        case unset
        case scalar(String, quoted: Bool)
        case mapping([(String, MutableNode)])
        case sequence([MutableNode])
    }

    var kind: Kind = .unset

    init() {}
    init(scalar: String) { kind = .scalar(scalar, quoted: false) }

    /// A string, quoted when its plain form would read back as a number, bool or null.
    init(string: String) {
        let looksTyped =
            Double(string) != nil || Int(string) != nil || isNullScalar(string, quoted: false)
            || ["true", "false", "yes", "no", "on", "off"].contains(string.lowercased()) || string.hasPrefix(".")
        kind = .scalar(string, quoted: looksTyped)
    }

    /// A number in Swift's shortest round-trip spelling (`.inf`/`.nan` as YAML spells them).
    init(double: Double) {
        if double.isNaN {
            kind = .scalar(".nan", quoted: false)
        } else if double.isInfinite {
            kind = .scalar(double > 0 ? ".inf" : "-.inf", quoted: false)
        } else {
            // YAML 1.1 readers (PyYAML) need a dot in exponent notation: 1e-05 -> 1.0e-05.
            var text = "\(double)"
            if let e = text.firstIndex(of: "e"), !text[..<e].contains(".") { text.insert(contentsOf: ".0", at: e) }
            kind = .scalar(text, quoted: false)
        }
    }

    func makeMapping() {
        if case .mapping = kind { return }
        kind = .mapping([])
    }
    func makeSequence() {
        if case .sequence = kind { return }
        kind = .sequence([])
    }
    func assign(_ other: MutableNode) { kind = other.kind }

    func append(_ key: String, _ child: MutableNode) {
        guard case .mapping(var entries) = kind else { return }
        entries.append((key, child))
        kind = .mapping(entries)
    }

    func append(_ child: MutableNode) {
        guard case .sequence(var items) = kind else { return }
        items.append(child)
        kind = .sequence(items)
    }

    /// The finished tree (locations are placeholders: encoded trees have no source).
    func frozen() -> RecipeNode {
        let here = SourceLocation(file: "<encoded>")
        switch kind {
        case .unset: return .scalar("null", quoted: false, here)
        case .scalar(let s, let quoted): return .scalar(s, quoted: quoted, here)
        case .sequence(let items): return .sequence(items.map { $0.frozen() }, here)
        case .mapping(let entries):
            return .mapping(entries.map { RecipeNode.Entry(key: $0.0, keyLocation: here, value: $0.1.frozen()) }, here)
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: MutableNode
    var codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.append(key.stringValue, MutableNode(scalar: "null")) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { node.append(key.stringValue, MutableNode(scalar: value ? "true" : "false")) }
    mutating func encode(_ value: String, forKey key: Key) throws { node.append(key.stringValue, MutableNode(string: value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { node.append(key.stringValue, MutableNode(double: value)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { node.append(key.stringValue, MutableNode(double: Double(value))) }
    mutating func encode(_ value: Int, forKey key: Key) throws { node.append(key.stringValue, MutableNode(scalar: String(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { node.append(key.stringValue, MutableNode(scalar: String(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { node.append(key.stringValue, MutableNode(scalar: String(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { node.append(key.stringValue, MutableNode(scalar: String(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { node.append(key.stringValue, MutableNode(scalar: String(value))) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { node.append(key.stringValue, MutableNode(scalar: String(value))) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { node.append(key.stringValue, MutableNode(scalar: String(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { node.append(key.stringValue, MutableNode(scalar: String(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { node.append(key.stringValue, MutableNode(scalar: String(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { node.append(key.stringValue, MutableNode(scalar: String(value))) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let child = MutableNode()
        try value.encode(to: RecipeNodeEncoder(node: child, codingPath: codingPath + [key]))
        node.append(key.stringValue, child)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = MutableNode()
        node.append(key.stringValue, child)
        return RecipeNodeEncoder(node: child, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = MutableNode()
        node.append(key.stringValue, child)
        return RecipeNodeEncoder(node: child, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { RecipeNodeEncoder(node: node, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = MutableNode()
        node.append(key.stringValue, child)
        return RecipeNodeEncoder(node: child, codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer, ScalarEncoding {
    let node: MutableNode
    var codingPath: [any CodingKey]
    var count: Int {
        if case .sequence(let items) = node.kind { return items.count }
        return 0
    }

    /// A list item.
    mutating func put(_ scalar: MutableNode) { node.append(scalar) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let child = MutableNode()
        try value.encode(to: RecipeNodeEncoder(node: child, codingPath: codingPath + [IndexKey(count)]))
        node.append(child)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = MutableNode()
        let path = codingPath + [IndexKey(count)]
        node.append(child)
        return RecipeNodeEncoder(node: child, codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = MutableNode()
        let path = codingPath + [IndexKey(count)]
        node.append(child)
        return RecipeNodeEncoder(node: child, codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = MutableNode()
        node.append(child)
        return RecipeNodeEncoder(node: child, codingPath: codingPath)
    }
}

private struct SingleContainer: SingleValueEncodingContainer, ScalarEncoding {
    let node: MutableNode
    var codingPath: [any CodingKey]

    /// The node itself.
    mutating func put(_ scalar: MutableNode) { node.assign(scalar) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try value.encode(to: RecipeNodeEncoder(node: node, codingPath: codingPath))
    }
}

/// The scalar encodes of the list and single-value containers, written once: each value becomes one scalar
/// node, which the container `put`s (appends as a list item, or assigns to its node).
private protocol ScalarEncoding {
    mutating func put(_ scalar: MutableNode)
}

extension ScalarEncoding {
    mutating func encodeNil() throws { put(MutableNode(scalar: "null")) }
    mutating func encode(_ value: Bool) throws { put(MutableNode(scalar: value ? "true" : "false")) }
    mutating func encode(_ value: String) throws { put(MutableNode(string: value)) }
    mutating func encode(_ value: Double) throws { put(MutableNode(double: value)) }
    mutating func encode(_ value: Float) throws { put(MutableNode(double: Double(value))) }
    mutating func encode(_ value: Int) throws { put(MutableNode(scalar: String(value))) }
    mutating func encode(_ value: Int8) throws { put(MutableNode(scalar: String(value))) }
    mutating func encode(_ value: Int16) throws { put(MutableNode(scalar: String(value))) }
    mutating func encode(_ value: Int32) throws { put(MutableNode(scalar: String(value))) }
    mutating func encode(_ value: Int64) throws { put(MutableNode(scalar: String(value))) }
    mutating func encode(_ value: UInt) throws { put(MutableNode(scalar: String(value))) }
    mutating func encode(_ value: UInt8) throws { put(MutableNode(scalar: String(value))) }
    mutating func encode(_ value: UInt16) throws { put(MutableNode(scalar: String(value))) }
    mutating func encode(_ value: UInt32) throws { put(MutableNode(scalar: String(value))) }
    mutating func encode(_ value: UInt64) throws { put(MutableNode(scalar: String(value))) }
}
