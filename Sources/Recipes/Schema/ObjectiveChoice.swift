/// The `objective` section: `name` (a row of `ObjectiveRegistry`) plus that objective's typed
/// options under a key of the same name: `objective: {name: byol, byol: {tau_base: 0.99}}`.
/// Options for another objective are an error; absent options take the method's defaults.
public struct ObjectiveChoice: Codable, Sendable, Equatable {
    /// The registry row.
    public var entry: ObjectiveEntry { ObjectiveRegistry.entry(for: type(of: options))! }
    /// The options (their type is the row's options type).
    public var options: any ObjectiveConfiguration

    /// The objective's name.
    public var name: String { entry.name }

    /// A choice of `options` (the row is found from their type).
    public init(_ options: any ObjectiveConfiguration) { self.options = options }

    /// The options as `T`, when this is that objective.
    public func options<T: ObjectiveConfiguration>(as type: T.Type) -> T? { options as? T }

    /// Same objective with the same options.
    public static func == (a: ObjectiveChoice, b: ObjectiveChoice) -> Bool { a.options.isEqual(to: b.options) }

    /// Keys of the section: `name` and the registry names.
    struct Key: CodingKey, CaseIterable {
        let stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) {
            guard stringValue == "name" || ObjectiveRegistry.entry(named: stringValue) != nil else { return nil }
            self.stringValue = stringValue
        }
        init?(intValue: Int) { nil }
        static var allCases: [Key] { (["name"] + ObjectiveRegistry.names).compactMap { Key(stringValue: $0) } }
        static let name = Key(stringValue: "name")!
    }

    /// Decodes `name`, rejects other objectives' options, and decodes this one's (defaults when absent).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let name: String = try c.require(.name)
        guard let entry = ObjectiveRegistry.entry(named: name) else {
            throw RecipeValueError(
                path: ["objective", "name"],
                message: "unknown objective '\(name)' (expected one of: \(ObjectiveRegistry.names.joined(separator: ", ")))",
                suggestion: EditDistance.suggestion(for: name, among: ObjectiveRegistry.names))
        }
        for key in c.allKeys where key.stringValue != "name" && key.stringValue != name {
            throw c.invalid(key, "options '\(key.stringValue)' do not apply to objective '\(name)'", suggestion: name)
        }
        let key = Key(stringValue: name)!
        if c.contains(key), !(try c.decodeNil(forKey: key)) {
            options = try entry.options.init(from: try c.superDecoder(forKey: key))
        } else if let node = decoder as? RecipeNodeDecoder {
            // An absent section decodes as an empty one, so required options are reported as missing.
            options = try entry.options.init(from: node.child(.mapping([], node.node.location), key: key))
        } else {
            options = entry.options.init()
        }
    }

    /// Encodes `name` and the options.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(name, forKey: .name)
        try options.encode(to: c.superEncoder(forKey: Key(stringValue: name)!))
    }
}
