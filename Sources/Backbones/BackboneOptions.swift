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
    /// ResNet: stride of the last stage, 2 (torchvision) or 1 (C5 at the resolution of C4).
    public var lastStride: Int = 2
    /// ResNet: activation checkpointing per residual block (`ResNet.recomputesBlocks`).
    public var recomputesBlocks = false
    /// ViT image size (square).
    public var imageSize: Int = 224
    /// ViT patch size.
    public var patchSize: Int = 16
    /// ViT pooling.
    public var pooling: ViTPooling = .classToken

    /// Default options.
    public init(
        inputChannels: Int = 3, classCount: Int? = nil, stem: ResNetStem = .imagenet, width: Float = 1,
        zeroInitResidual: Bool = false, imageSize: Int = 224, patchSize: Int = 16, pooling: ViTPooling = .classToken
    ) {
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
