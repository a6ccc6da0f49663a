import NN
import Support
import TensorCore

/// A 1x1 (or strided) projection shortcut: torchvision's `downsample` (`0` conv, `1` BN).
public struct Downsample: TensorLayer {
    /// The 1x1 convolution.
    public var conv: Conv2D
    /// Its BatchNorm.
    public var bn: BatchNorm
    /// Visits `0` (conv) and `1` (BN), torchvision's `nn.Sequential` names.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("0", &conv)
        visitor.visit("1", &bn)
    }
    /// `[N, C, H, W] -> [N, O, H/s, W/s]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        bn.forward(conv(input), context: &context)
    }
}

extension Downsample {
    /// The projection a residual block `inputChannels -> outputChannels` with `stride` needs (1x1
    /// conv with the stride, then BN), or nil when the identity fits.
    static func ifNeeded(inputChannels: Int, outputChannels: Int, stride: Int, rng: inout Philox) -> Downsample? {
        guard stride != 1 || inputChannels != outputChannels else { return nil }
        return Downsample(
            conv: .resNet(inputChannels, outputChannels, kernel: 1, stride: stride, rng: &rng), bn: BatchNorm(featureCount: outputChannels))
    }
}

extension Optional where Wrapped == Downsample {
    /// The block's shortcut of `input`: the projection when there is one, else `input`.
    mutating func shortcut(_ input: Tensor, context: inout Context) -> Tensor {
        guard var d = self else { return input }
        let y = d.forward(input, context: &context)
        self = d
        return y
    }
}

extension Conv2D {
    /// A ResNet convolution (torchvision): no bias, `kaiming_normal_(mode="fan_out")`, padding
    /// `kernel / 2`.
    static func resNet(_ inputChannels: Int, _ outputChannels: Int, kernel: Int, stride: Int = 1, rng: inout Philox) -> Conv2D {
        Conv2D(
            inputChannels: inputChannels, outputChannels: outputChannels, kernel: Size2(kernel, kernel), stride: Size2(stride, stride),
            padding: Size2(kernel / 2, kernel / 2),
            bias: false, initialization: .kaimingNormalFanOut, rng: &rng)
    }
}
