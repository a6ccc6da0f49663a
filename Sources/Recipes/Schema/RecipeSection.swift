/// A recipe section whose keys are listed once, in `fields`: each key's name, the property it sets and the
/// check its value must pass (`.required` keys have no default). Decoding starts from `init()`'s defaults and replaces what the recipe gives
/// (null keeps a default, `loadOptional` semantics for optional properties), rejects unknown keys with a
/// suggestion (`RecipeKey` knows only the listed names) and runs `validate` for checks across keys;
/// encoding writes the keys in listing order (absent optionals left out), as the resolved recipe shows them.
public protocol RecipeSection: Codable {
    /// The section with every default (placeholders for `.required` keys, which decoding always sets).
    init()
    /// The keys, in the order resolved recipes list them.
    static var fields: [RecipeField<Self>] { get }
    /// Checks across keys once every key is decoded (default: none); throws `c.invalid(key, …)`.
    func validate(_ c: KeyedDecodingContainer<RecipeKey<Self>>) throws
}

extension RecipeSection {
    /// Defaults, then every listed key present in the recipe, then `validate`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: RecipeKey<Self>.self)
        self.init()
        for field in Self.fields { try field.decode(&self, c) }
        try validate(c)
    }

    /// Every listed key, in order; absent optionals are left out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: RecipeKey<Self>.self)
        for field in Self.fields { try field.encode(self, &c) }
    }

    /// No checks across keys.
    public func validate(_ c: KeyedDecodingContainer<RecipeKey<Self>>) throws {}
}

/// The coding key of a `RecipeSection`: exactly the names its `fields` list (any other name fails, so
/// `RecipeNodeDecoder` reports it as unknown with the closest listed name).
public struct RecipeKey<Section: RecipeSection>: CodingKey, CaseIterable, Sendable {
    /// The key as a recipe spells it.
    public let stringValue: String
    /// Never an index.
    public var intValue: Int? { nil }

    /// The key `stringValue` when the section lists it, else nil.
    public init?(stringValue: String) {
        guard Section.fields.contains(where: { $0.names.contains(stringValue) || $0.retiredNames.contains(stringValue) }) else {
            return nil
        }
        self.stringValue = stringValue
    }

    /// Not an index key.
    public init?(intValue: Int) { nil }

    /// A listed name (unchecked).
    init(_ name: String) { stringValue = name }

    /// Every listed key (the suggestions for a misspelt one).
    public static var allCases: [RecipeKey] {
        var keys: [RecipeKey] = []
        for field in Section.fields { keys += field.names.map { RecipeKey($0) } }
        return keys
    }
}

/// One key of a `RecipeSection` (`.init("projector_hidden", \.projectorHidden, .atLeast(1))`), or a few keys
/// decoded together (`.teacherSource`).
public struct RecipeField<Section: RecipeSection> {
    /// The keys as a recipe spells them (`projector_hidden`).
    public let names: [String]
    /// Keys of earlier recipes, accepted only so that decoding can say what replaced them (never suggested).
    public let retiredNames: [String]
    let decode: (inout Section, KeyedDecodingContainer<RecipeKey<Section>>) throws -> Void
    let encode: (Section, inout KeyedEncodingContainer<RecipeKey<Section>>) throws -> Void

    /// A key with a default: a present, non-null value replaces `property`'s default, then `check` runs.
    init<T: Codable>(_ name: String, _ property: WritableKeyPath<Section, T>, _ check: ValueCheck<T>? = nil) {
        let key = RecipeKey<Section>(name)
        self.init(names: [name]) { section, c in
            try c.load(&section[keyPath: property], key, check)
        } encode: { section, c in
            try c.encode(section[keyPath: property], forKey: key)
        }
    }

    /// A required key: absent or null is a `missingKey` error; then `check` runs. `init()` holds a placeholder
    /// for it that decoding always replaces.
    static func required<T: Codable>(_ name: String, _ property: WritableKeyPath<Section, T>, _ check: ValueCheck<T>? = nil) -> Self {
        Self(names: [name]) { section, c in
            section[keyPath: property] = try c.require(RecipeKey(name), check)
        } encode: { section, c in
            try c.encode(section[keyPath: property], forKey: RecipeKey(name))
        }
    }

    /// An optional key: present sets it (null clears it), then `check` runs on a value.
    static func optional<T: Codable>(_ name: String, _ property: WritableKeyPath<Section, T?>, _ check: ValueCheck<T>? = nil) -> Self {
        Self(names: [name]) { section, c in
            try c.loadOptional(&section[keyPath: property], RecipeKey(name), check)
        } encode: { section, c in
            try c.encodeIfPresent(section[keyPath: property], forKey: RecipeKey(name))
        }
    }

    /// The teachers of a distillation objective: `teachers` (at least `minimum`), or `teacher_cache` with its
    /// `cache_targets`, not both (`loadTeacherSource`); `teacher` and `teacher_model` of earlier recipes are
    /// answered with how to write `teachers`.
    static func teacherSource(
        _ teachers: WritableKeyPath<Section, [TeacherOptions]>, cache: WritableKeyPath<Section, TeacherCacheOptions?>,
        objective: String, minimum: Int = 1
    ) -> Self {
        let (list, file, targets) = (RecipeKey<Section>("teachers"), RecipeKey<Section>("teacher_cache"), RecipeKey<Section>("cache_targets"))
        return Self(names: ["teachers", "teacher_cache", "cache_targets"], retiredNames: ["teacher", "teacher_model"]) { section, c in
            (section[keyPath: teachers], section[keyPath: cache]) = try c.loadTeacherSource(
                list, cache: file, targets: targets, oldKeys: [RecipeKey("teacher"), RecipeKey("teacher_model")],
                objective: objective, minimum: minimum)
        } encode: { section, c in
            try c.encodeTeacherSource(
                section[keyPath: teachers], cache: section[keyPath: cache], teachersKey: list, cacheKey: file, targetsKey: targets)
        }
    }

    private init(
        names: [String], retiredNames: [String] = [],
        decode: @escaping (inout Section, KeyedDecodingContainer<RecipeKey<Section>>) throws -> Void,
        encode: @escaping (Section, inout KeyedEncodingContainer<RecipeKey<Section>>) throws -> Void
    ) {
        self.names = names
        self.retiredNames = retiredNames
        self.decode = decode
        self.encode = encode
    }
}
