import NN

/// Options shared by the zoo's image backbones (each entry uses the ones that apply to it).
public struct BackboneOptions: Codable, Sendable, Equatable {
    /// Input channels (1 grayscale, 3 RGB).
    public var inputChannels: Int = 3
    /// Classifier outputs; nil builds the trunk only (features).
    public var classCount: Int? = nil
    /// ResNet stem.
    public var stem: ResNetStem = .imagenet
    /// ResNet width multiplier.
    public var width: Float = 1
    /// ResNet: γ = 0 in each residual branch's last BN (Goyal et al. 2017).
    public var zeroInitResidual: Bool = false
    /// ViT image size (square).
    public var imageSize: Int = 224
    /// ViT patch size.
    public var patchSize: Int = 16
    /// ViT pooling.
    public var pooling: ViTPooling = .classToken

    /// Default options.
    public init(inputChannels: Int = 3, classCount: Int? = nil, stem: ResNetStem = .imagenet, width: Float = 1,
                zeroInitResidual: Bool = false, imageSize: Int = 224, patchSize: Int = 16, pooling: ViTPooling = .classToken) {
        self.inputChannels = inputChannels
        self.classCount = classCount
        self.stem = stem
        self.width = width
        self.zeroInitResidual = zeroInitResidual
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.pooling = pooling
    }
}

/// Options of the CLIP-style text encoder.
public struct TextEncoderOptions: Codable, Sendable, Equatable {
    /// Sequence length L.
    public var contextLength: Int = 77
    /// Token width D.
    public var width: Int = 512
    /// Blocks.
    public var depth: Int = 12
    /// Attention heads.
    public var headCount: Int = 8
    /// Output feature width E.
    public var featureCount: Int = 512

    /// Default options (CLIP ViT-B/32's text tower, with byte tokens).
    public init(contextLength: Int = 77, width: Int = 512, depth: Int = 12, headCount: Int = 8, featureCount: Int = 512) {
        self.contextLength = contextLength
        self.width = width
        self.depth = depth
        self.headCount = headCount
        self.featureCount = featureCount
    }
}

/// Errors from the zoo; each names the entry and the option.
public enum ZooError: Error, CustomStringConvertible, Equatable {
    /// No entry has this name.
    case unknownName(String, known: [String])
    /// An option value does not fit the entry.
    case invalidOption(entry: String, option: String, message: String)

    /// Text naming the entry and option.
    public var description: String {
        switch self {
        case let .unknownName(n, known): return "unknown backbone '\(n)' (known: \(known.joined(separator: ", ")))"
        case let .invalidOption(e, o, m): return "\(e): option '\(o)': \(m)"
        }
    }
}
