import NN
import Support
import TensorCore

/// ResNet's basic block (two 3x3 convs, expansion 1): `relu(bn2(conv2(relu(bn1(conv1 x)))) + shortcut(x))`.
public struct BasicBlock: TensorLayer {
    /// 3x3, stride s.
    public var conv1: Conv2D
    /// BN after conv1.
    public var bn1: BatchNorm
    /// 3x3.
    public var conv2: Conv2D
    /// BN after conv2 (γ = 0 under zero-init-residual).
    public var bn2: BatchNorm
    /// The projection shortcut, when shape changes.
    public var downsample: Downsample?

    /// A block `inputChannels -> channels` with stride `stride`.
    public init(inputChannels: Int, channels: Int, stride: Int, zeroInitResidual: Bool, rng: inout Philox) {
        conv1 = .resNet(inputChannels, channels, kernel: 3, stride: stride, rng: &rng)
        bn1 = BatchNorm(featureCount: channels)
        conv2 = .resNet(channels, channels, kernel: 3, rng: &rng)
        bn2 = BatchNorm(featureCount: channels, zeroScale: zeroInitResidual)
        downsample = .ifNeeded(inputChannels: inputChannels, outputChannels: channels, stride: stride, rng: &rng)
    }

    /// Visits conv1, bn1, conv2, bn2, downsample.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("conv1", &conv1)
        visitor.visit("bn1", &bn1)
        visitor.visit("conv2", &conv2)
        visitor.visit("bn2", &bn2)
        visitor.visit("downsample", &downsample)
    }

    /// `[N, C, H, W] -> [N, channels, H/s, W/s]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        let out = bn1.forward(conv1(input), adding: nil, relu: true, context: &context)
        let shortcut = downsample.shortcut(input, context: &context)
        return bn2.forward(conv2(out), adding: shortcut, relu: true, context: &context)
    }
}
