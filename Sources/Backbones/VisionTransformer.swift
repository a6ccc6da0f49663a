import NN
import Support
import TensorCore

/// How a ViT pools its tokens into features.
public enum ViTPooling: String, Sendable, Codable {
    /// The class token after the final `norm` (timm `global_pool="token"`).
    case classToken
    /// The mean of the patch tokens followed by `fc_norm` (timm `global_pool="avg"`, no class token).
    case mean
}

/// Vision Transformer (Dosovitskiy et al. 2021) with timm names (`patch_embed.proj`, `cls_token`,
/// `pos_embed`, `blocks.i.attn.qkv`, `norm`, `fc_norm`, `head`): `[N, C, H, W] -> [N, classes]`.
public struct VisionTransformer: Backbone {
    /// The patch embedding: conv with kernel = stride = patch size.
    public var patchEmbed: Conv2D
    /// `[1, 1, D]` (class-token pooling only).
    public var classToken: Parameter?
    /// `[1, T, D]`, T = patches (+1 with a class token).
    public var positionEmbedding: Parameter
    /// The transformer blocks.
    public var blocks: [TransformerBlock]
    /// Final norm (class-token pooling).
    public var norm: LayerNorm?
    /// Norm after mean pooling.
    public var fcNorm: LayerNorm?
    /// The classifier, if any.
    public var head: Linear?
    /// The pooling.
    public let pooling: ViTPooling
    /// The patch size.
    public let patchSize: Int
    /// The token width D.
    public var featureCount: Int { positionEmbedding.shape[2] }

    /// A ViT of width `featureCount` with `depth` blocks on `imageSize`² images cut into `patchSize`² patches.
    public init(
        imageSize: Int, patchSize: Int, inputChannels: Int = 3, featureCount d: Int, depth: Int, headCount: Int,
        mlpRatio: Float = 4, pooling: ViTPooling = .classToken, classCount: Int? = 1000, rng: inout Philox
    ) {
        precondition(imageSize % patchSize == 0, "VisionTransformer: image size \(imageSize) is not a multiple of patch size \(patchSize)")
        let grid = imageSize / patchSize
        self.pooling = pooling
        self.patchSize = patchSize
        patchEmbed = Conv2D(
            inputChannels: inputChannels, outputChannels: d, kernel: Size2(patchSize, patchSize), stride: Size2(patchSize, patchSize), rng: &rng)
        let tokens = grid * grid + (pooling == .classToken ? 1 : 0)
        positionEmbedding = Parameter(Initializer.truncatedNormal([1, tokens, d], std: 0.02, rng: &rng), role: .embedding)
        classToken = pooling == .classToken ? Parameter(Initializer.normal([1, 1, d], std: 1e-6, rng: &rng), role: .embedding) : nil
        blocks = (0..<depth).map { _ in TransformerBlock(featureCount: d, headCount: headCount, mlpRatio: mlpRatio, rng: &rng) }
        norm = pooling == .classToken ? LayerNorm(featureCount: d, epsilon: 1e-6) : nil
        fcNorm = pooling == .mean ? LayerNorm(featureCount: d, epsilon: 1e-6) : nil
        head = classCount.map { c in
            Linear(weight: Initializer.truncatedNormal([c, d], std: 0.02, rng: &rng), bias: Tensor(zeros: [c]))
        }
    }

    /// Visits cls_token, pos_embed, patch_embed.proj, blocks, norm, fc_norm, head.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("cls_token", &classToken)
        visitor.visit("pos_embed", &positionEmbedding)
        visitor.visit("patch_embed.proj", &patchEmbed)
        visitor.visit("blocks", &blocks)
        visitor.visit("norm", &norm)
        visitor.visit("fc_norm", &fcNorm)
        visitor.visit("head", &head)
    }

    /// Pooled features `[N, D]` and each block's patch tokens as `[N, D, h, w]`.
    public mutating func extract(_ input: Tensor, context: inout Context) -> BackboneOutput {
        run(input, collectingIntermediates: true, context: &context)
    }

    /// The trunk; the per-block maps (copies) are made only when asked for.
    mutating func run(_ input: Tensor, collectingIntermediates collect: Bool, context: inout Context) -> BackboneOutput {
        let n = input.shape[0]
        let d = featureCount
        let patches = patchEmbed(input)  // [N, D, h, w]
        let (h, w) = (patches.shape[2], patches.shape[3])
        let expected = positionEmbedding.shape[1] - (classToken == nil ? 0 : 1)
        precondition(h * w == expected, "VisionTransformer: input \(input.shape) gives \(h * w) patches, the model has \(expected)")
        var x = patches.reshaped(to: [n, d, h * w]).permuted([0, 2, 1])  // [N, hw, D]
        if let classToken {
            x = Tensor.concatenate([classToken.value.broadcast(to: [n, 1, d]), x], alongAxis: 1)
        }
        x = x + positionEmbedding.value
        let skip = classToken == nil ? 0 : 1
        var maps: [Tensor] = []
        for i in blocks.indices {
            x = blocks[i].forward(x, context: &context)
            if collect { maps.append(x.slice(alongAxis: 1, skip..<(skip + h * w)).permuted([0, 2, 1]).reshaped(to: [n, d, h, w])) }
        }
        let features: Tensor
        switch pooling {
        case .classToken: features = norm!(x).slice(alongAxis: 1, 0..<1).reshaped(to: [n, d])
        case .mean: features = fcNorm!(x.mean(alongAxes: [1]))
        }
        return BackboneOutput(features: features, intermediates: maps)
    }

    /// Logits `[N, classes]` (features `[N, D]` without a head).
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        let f = run(input, collectingIntermediates: false, context: &context).features
        return classify(f) ?? f
    }

    /// `head` on pooled features, if the model has a classifier.
    public func classify(_ features: Tensor) -> Tensor? { head.map { $0(features) } }
}
