/// `model.init`: the checkpoint a backbone starts from, loaded strictly (every key must match in name
/// and shape) except the keys under `ignore` prefixes (`fc.` to drop a classifier), which keep their
/// fresh initialisation. Written `init: PATH` or `init: {path: PATH, ignore: [fc.]}`.
public struct ModelInit: Codable, Sendable, Equatable {
    /// The safetensors checkpoint (relative to the working directory).
    public var path: String
    /// Key prefixes not loaded.
    public var ignore: [String] = []

    enum CodingKeys: String, CodingKey, CaseIterable { case path, ignore }

    /// Start from `path`, ignoring keys under `ignore`.
    public init(path: String, ignore: [String] = []) {
        self.path = path
        self.ignore = ignore
    }

    /// Decodes a plain path or a `{path, ignore}` mapping.
    public init(from decoder: any Decoder) throws {
        if let path = try? decoder.singleValueContainer().decode(String.self) {
            self.path = path
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.require(.path, .nonEmpty)
        try c.load(&ignore, .ignore)
    }
}
