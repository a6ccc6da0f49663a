/// The objective names a recipe may use.
public enum ObjectiveName: String, RecipeName {
    /// Cross-entropy on labels.
    case supervised
    /// BYOL.
    case byol
    /// Hinton knowledge distillation.
    case kd
    /// For messages.
    public static let kindName = "objective"
}

/// The `objective` section: `name` plus that objective's typed options under a key of the same name:
/// `objective: {name: byol, byol: {tau_base: 0.99}}`. Options for another objective are an error.
public enum ObjectiveOptions: Codable, Sendable, Equatable {
    /// Cross-entropy on labels.
    case supervised(SupervisedOptions)
    /// BYOL (Grill et al. 2020).
    case byol(BYOLOptions)
    /// Hinton knowledge distillation from a frozen teacher.
    case kd(KDOptions)

    enum CodingKeys: String, CodingKey, CaseIterable { case name, supervised, byol, kd }

    /// The objective's name.
    public var name: ObjectiveName {
        switch self {
        case .supervised: return .supervised
        case .byol: return .byol
        case .kd: return .kd
        }
    }

    /// Decodes `name` and the matching options (defaults when absent).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name: ObjectiveName = try c.require(.name)
        for key in [CodingKeys.supervised, .byol, .kd] where key.stringValue != name.rawValue && c.contains(key) {
            throw c.invalid(key, "options '\(key.stringValue)' do not apply to objective '\(name.rawValue)'",
                            suggestion: name.rawValue)
        }
        switch name {
        case .supervised:
            var options = SupervisedOptions()
            try c.load(&options, .supervised)
            self = .supervised(options)
        case .byol:
            var options = BYOLOptions()
            try c.load(&options, .byol)
            self = .byol(options)
        case .kd:
            self = .kd(try c.require(.kd))
        }
    }

    /// Encodes `name` and the active options.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        switch self {
        case .supervised(let o): try c.encode(o, forKey: .supervised)
        case .byol(let o): try c.encode(o, forKey: .byol)
        case .kd(let o): try c.encode(o, forKey: .kd)
        }
    }
}
