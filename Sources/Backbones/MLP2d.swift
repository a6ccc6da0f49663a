import NN
import Support
import TensorCore

/// PixPro's per-pixel MLP (zdaxie/PixPro `contrast/models/PixPro.py::MLP2d`): 1×1 conv (bias) →
/// BatchNorm2d → ReLU → 1×1 conv (bias), `[N, in, H, W] -> [N, out, H, W]`; every pixel is
/// transformed alike, BN statistics are over (N, H, W). Parameters `linear1.*`, `bn1.*`,
/// `linear2.*`, as the reference names them.
public struct MLP2d: TensorLayer {
    /// 1×1, in → inner.
    public var linear1: Conv2D
    /// BN over the inner channels.
    public var bn1: BatchNorm
    /// 1×1, inner → out.
    public var linear2: Conv2D

    /// An MLP `inputChannels -> innerChannels -> outputChannels` with PyTorch's default init.
    public init(inputChannels: Int, innerChannels: Int, outputChannels: Int, rng: inout Philox) {
        linear1 = Conv2D(inputChannels: inputChannels, outputChannels: innerChannels, kernel: 1, rng: &rng)
        bn1 = BatchNorm(featureCount: innerChannels)
        linear2 = Conv2D(inputChannels: innerChannels, outputChannels: outputChannels, kernel: 1, rng: &rng)
    }

    /// The output channel count.
    public var outputChannels: Int { linear2.outputChannels }

    /// Visits `linear1`, `bn1`, `linear2`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("linear1", &linear1)
        visitor.visit("bn1", &bn1)
        visitor.visit("linear2", &linear2)
    }

    /// `[N, in, H, W] -> [N, out, H, W]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        linear2(bn1.forward(linear1(input), adding: nil, relu: true, context: &context))
    }
}
