import NN
import Support
import TensorCore

/// One image backbone in the registry.
public struct BackboneEntry: Sendable {
    /// The timm-style name (`resnet18`).
    public let name: String
    /// A one-line description.
    public let summary: String
    /// Builds the backbone; throws `ZooError` for options that do not fit.
    public let make: @Sendable (BackboneOptions, inout Philox) throws -> any Backbone
}

/// The registry of backbones, text encoders and heads, by name.
public enum Zoo {
    /// The image backbones.
    public static let backbones: [BackboneEntry] = [
        resnet("resnet18", blocks: [2, 2, 2, 2], BasicBlock.self, "ResNet-18, basic blocks [2,2,2,2], 512 features"),
        resnet("resnet34", blocks: [3, 4, 6, 3], BasicBlock.self, "ResNet-34, basic blocks [3,4,6,3], 512 features"),
        resnet("resnet50", blocks: [3, 4, 6, 3], Bottleneck.self, "ResNet-50, bottlenecks [3,4,6,3], 2048 features"),
        vit("vit_tiny", width: 192, depth: 12, heads: 3, "ViT-Tiny: D 192, 12 blocks, 3 heads"),
        vit("vit_small", width: 384, depth: 12, heads: 6, "ViT-Small: D 384, 12 blocks, 6 heads"),
    ]

    /// The text encoders (name and summary).
    public static let textEncoders: [(name: String, summary: String)] = [
        ("clip_text", "CLIP-style causal text transformer over byte tokens (TextEncoderOptions)")
    ]

    /// The heads (name and summary).
    public static let heads: [(name: String, summary: String)] = [
        ("linear", "linear classifier on pooled features"),
        ("projector", "MLP projector: Linear-(BN)-ReLU ... Linear-(BN), sizes configurable"),
        ("predictor", "MLP predictor (BYOL/SimSiam): Linear-BN-ReLU-Linear"),
    ]

    /// All image backbone names.
    public static var names: [String] { backbones.map(\.name) }

    /// The entry named `name`.
    public static func entry(named name: String) throws -> BackboneEntry {
        guard let e = backbones.first(where: { $0.name == name }) else { throw ZooError.unknownName(name, known: names) }
        return e
    }

    /// Builds the backbone named `name`.
    public static func make(_ name: String, options: BackboneOptions = BackboneOptions(), rng: inout Philox) throws -> any Backbone {
        try entry(named: name).make(options, &rng)
    }

    /// Builds the text encoder named `name` (`clip_text`).
    public static func makeTextEncoder(_ name: String, options: TextEncoderOptions = TextEncoderOptions(), rng: inout Philox) throws
        -> TextTransformer
    {
        guard name == "clip_text" else { throw ZooError.unknownName(name, known: textEncoders.map(\.name)) }
        guard options.width % options.headCount == 0 else {
            throw ZooError.invalidOption(
                entry: name, option: "headCount", message: "width \(options.width) is not a multiple of \(options.headCount) heads")
        }
        guard options.contextLength >= 2 else { throw ZooError.invalidOption(entry: name, option: "contextLength", message: "must be >= 2") }
        return TextTransformer(
            contextLength: options.contextLength, width: options.width, depth: options.depth,
            headCount: options.headCount, featureCount: options.featureCount, rng: &rng)
    }

    static func checkCommon(_ name: String, _ o: BackboneOptions) throws {
        guard o.inputChannels == 1 || o.inputChannels == 3 else {
            throw ZooError.invalidOption(entry: name, option: "inputChannels", message: "must be 1 or 3, got \(o.inputChannels)")
        }
        if let c = o.classCount, c < 1 { throw ZooError.invalidOption(entry: name, option: "classCount", message: "must be >= 1, got \(c)") }
    }

    static func resnet<B: ResidualBlock>(_ name: String, blocks: [Int], _ block: B.Type, _ summary: String) -> BackboneEntry {
        BackboneEntry(name: name, summary: summary) { o, rng in
            try checkCommon(name, o)
            guard o.width > 0 else { throw ZooError.invalidOption(entry: name, option: "width", message: "must be > 0, got \(o.width)") }
            guard o.lastStride == 1 || o.lastStride == 2 else {
                throw ZooError.invalidOption(entry: name, option: "lastStride", message: "must be 1 or 2, got \(o.lastStride)")
            }
            var net = ResNet<B>(
                blocks: blocks, stem: o.stem, inputChannels: o.inputChannels, width: o.width,
                classCount: o.classCount, zeroInitResidual: o.zeroInitResidual, lastStride: o.lastStride, rng: &rng)
            net.recomputesBlocks = o.recomputesBlocks
            return net
        }
    }

    static func vit(_ name: String, width: Int, depth: Int, heads: Int, _ summary: String) -> BackboneEntry {
        BackboneEntry(name: name, summary: summary) { o, rng in
            try checkCommon(name, o)
            guard o.lastStride == 2 else {
                throw ZooError.invalidOption(
                    entry: name, option: "lastStride", message: "applies to ResNets only (a ViT's patch map is image size / patch size)")
            }
            guard !o.recomputesBlocks else {
                throw ZooError.invalidOption(entry: name, option: "recomputesBlocks", message: "applies to ResNets only")
            }
            guard o.patchSize > 0, o.imageSize > 0, o.imageSize % o.patchSize == 0 else {
                throw ZooError.invalidOption(
                    entry: name, option: "patchSize", message: "image size \(o.imageSize) is not a positive multiple of patch size \(o.patchSize)")
            }
            return VisionTransformer(
                imageSize: o.imageSize, patchSize: o.patchSize, inputChannels: o.inputChannels, featureCount: width,
                depth: depth, headCount: heads, pooling: o.pooling, classCount: o.classCount, rng: &rng)
        }
    }
}
