import NN
import Support
import TensorCore

/// The stem of a ResNet.
public enum ResNetStem: String, Sendable, Codable {
    /// 7x7 stride-2 conv, BN, ReLU, 3x3 stride-2 max-pool (ImageNet).
    case imagenet
    /// 3x3 stride-1 conv, BN, ReLU, no max-pool (CIFAR-size images).
    case cifar
}

/// ResNet (He et al. 2016) with torchvision's parameter names (`conv1`, `bn1`, `layer1.0.conv1`,
/// `layer2.0.downsample.0`, `fc`): `[N, C, H, W] -> [N, classes]` (or features without `fc`).
public struct ResNet<Block: ResidualBlock>: Backbone {
    /// The stem convolution.
    public var conv1: Conv2D
    /// The stem BatchNorm.
    public var bn1: BatchNorm
    /// The four stages.
    public var layer1: [Block], layer2: [Block], layer3: [Block], layer4: [Block]
    /// The classifier, if any.
    public var fc: Linear?
    /// The stem kind.
    public let stem: ResNetStem
    /// The pooled feature width (512·expansion·width).
    public let featureCount: Int
    /// The stride of the last stage (`layer4`): 2 as torchvision, or 1 to keep the third stage's
    /// resolution (a 56 px input with the CIFAR stem gives a 14 × 14 C5 map instead of 7 × 7; the
    /// weights have the same shapes either way, the first block's convolution and shortcut just
    /// do not subsample).
    public let lastStride: Int
    /// Activation checkpointing per residual block (`recomputingForward`): in training, each block
    /// keeps only its input for the backward pass and runs again there. Cuts the activations a step
    /// holds by about 4× for one more forward pass of the blocks; values and gradients unchanged.
    public var recomputesBlocks = false

    /// A ResNet with `blocks` per stage; `width` multiplies every channel count (64, 128, 256, 512);
    /// `lastStride` (1 or 2) is the stride of `layer4`.
    public init(
        blocks: [Int], stem: ResNetStem = .imagenet, inputChannels: Int = 3, width: Float = 1,
        classCount: Int? = 1000, zeroInitResidual: Bool = false, lastStride: Int = 2, rng: inout Philox
    ) {
        precondition(blocks.count == 4, "ResNet: need 4 stages, got \(blocks)")
        precondition(lastStride == 1 || lastStride == 2, "ResNet: last stride \(lastStride), want 1 or 2")
        self.lastStride = lastStride
        let widths = [64, 128, 256, 512].map { max(1, Int((Float($0) * width).rounded())) }
        self.stem = stem
        switch stem {
        case .imagenet:
            conv1 = .resNet(inputChannels, widths[0], kernel: 7, stride: 2, rng: &rng)
        case .cifar:
            conv1 = .resNet(inputChannels, widths[0], kernel: 3, rng: &rng)
        }
        bn1 = BatchNorm(featureCount: widths[0])
        var inChannels = widths[0]
        func stage(_ count: Int, _ channels: Int, _ stride: Int, _ rng: inout Philox) -> [Block] {
            (0..<count).map { i in
                let b = Block(
                    inputChannels: inChannels, channels: channels, stride: i == 0 ? stride : 1, zeroInitResidual: zeroInitResidual, rng: &rng)
                inChannels = channels * Block.expansion
                return b
            }
        }
        layer1 = stage(blocks[0], widths[0], 1, &rng)
        layer2 = stage(blocks[1], widths[1], 2, &rng)
        layer3 = stage(blocks[2], widths[2], 2, &rng)
        layer4 = stage(blocks[3], widths[3], lastStride, &rng)
        featureCount = inChannels
        fc = classCount.map { Linear(inputCount: inChannels, outputCount: $0, rng: &rng) }
    }

    /// Visits conv1, bn1, layer1-4, fc.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("conv1", &conv1)
        visitor.visit("bn1", &bn1)
        visitor.visit("layer1", &layer1)
        visitor.visit("layer2", &layer2)
        visitor.visit("layer3", &layer3)
        visitor.visit("layer4", &layer4)
        visitor.visit("fc", &fc)
    }

    /// Pooled features `[N, F]` and the four stage outputs.
    public mutating func extract(_ input: Tensor, context: inout Context) -> BackboneOutput {
        precondition(
            input.rank == 4 && input.shape[1] == conv1.weight.shape[1], "ResNet: input \(input.shape) must be [N, \(conv1.weight.shape[1]), H, W]")
        var x = bn1.forward(conv1(input), adding: nil, relu: true, context: &context)
        if stem == .imagenet { x = x.maxPool2d(kernel: 3, stride: 2, padding: 1) }
        var stages: [Tensor] = []
        let recompute = recomputesBlocks
        for i in layer1.indices { x = Self.block(&layer1[i], x, &context, recompute: recompute) }
        stages.append(x)
        for i in layer2.indices { x = Self.block(&layer2[i], x, &context, recompute: recompute) }
        stages.append(x)
        for i in layer3.indices { x = Self.block(&layer3[i], x, &context, recompute: recompute) }
        stages.append(x)
        for i in layer4.indices { x = Self.block(&layer4[i], x, &context, recompute: recompute) }
        stages.append(x)
        return BackboneOutput(features: x.globalAveragePool(), intermediates: stages)
    }

    /// One residual block, recomputed in the backward pass when `recompute` (`recomputesBlocks`;
    /// static, so the call does not hold a copy of the network while the block is mutated).
    private static func block(_ b: inout Block, _ x: Tensor, _ context: inout Context, recompute: Bool) -> Tensor {
        recompute ? b.recomputingForward(x, context: &context) : b.forward(x, context: &context)
    }

    /// `fc` on pooled features, if the network has a classifier.
    public func classify(_ features: Tensor) -> Tensor? { fc.map { $0(features) } }

    /// Logits `[N, classes]` (features `[N, F]` when there is no classifier).
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        let f = extract(input, context: &context).features
        return classify(f) ?? f
    }
}
