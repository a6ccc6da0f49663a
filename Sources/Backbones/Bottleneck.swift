import NN
import Support
import TensorCore

/// ResNet's bottleneck block (1x1, 3x3 with the stride, 1x1; expansion 4; torchvision v1.5).
public struct Bottleneck: TensorLayer {
    /// 1x1 reduce.
    public var conv1: Conv2D
    /// BN after conv1.
    public var bn1: BatchNorm
    /// 3x3, stride s.
    public var conv2: Conv2D
    /// BN after conv2.
    public var bn2: BatchNorm
    /// 1x1 expand (x4).
    public var conv3: Conv2D
    /// BN after conv3 (γ = 0 under zero-init-residual).
    public var bn3: BatchNorm
    /// The projection shortcut, when shape changes.
    public var downsample: Downsample?

    /// A block `inputChannels -> 4·channels` with stride `stride`.
    public init(inputChannels: Int, channels: Int, stride: Int, zeroInitResidual: Bool, rng: inout Philox) {
        let out = channels * 4
        conv1 = .resNet(inputChannels, channels, kernel: 1, rng: &rng)
        bn1 = BatchNorm(featureCount: channels)
        conv2 = .resNet(channels, channels, kernel: 3, stride: stride, rng: &rng)
        bn2 = BatchNorm(featureCount: channels)
        conv3 = .resNet(channels, out, kernel: 1, rng: &rng)
        bn3 = BatchNorm(featureCount: out, zeroScale: zeroInitResidual)
        downsample = .ifNeeded(inputChannels: inputChannels, outputChannels: out, stride: stride, rng: &rng)
    }

    /// Visits conv1, bn1, conv2, bn2, conv3, bn3, downsample.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("conv1", &conv1)
        visitor.visit("bn1", &bn1)
        visitor.visit("conv2", &conv2)
        visitor.visit("bn2", &bn2)
        visitor.visit("conv3", &conv3)
        visitor.visit("bn3", &bn3)
        visitor.visit("downsample", &downsample)
    }

    /// `[N, C, H, W] -> [N, 4·channels, H/s, W/s]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        var out = bn1.forward(conv1(input), adding: nil, relu: true, context: &context)
        out = bn2.forward(conv2(out), adding: nil, relu: true, context: &context)
        let shortcut = downsample.shortcut(input, context: &context)
        return bn3.forward(conv3(out), adding: shortcut, relu: true, context: &context)
    }
}
