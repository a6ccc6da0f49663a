import NN
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
