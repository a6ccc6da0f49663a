import NN

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
