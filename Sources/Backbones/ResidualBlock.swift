import NN
import Support
import TensorCore

/// A residual block type a ResNet stage is built from.
public protocol ResidualBlock: TensorLayer {
    /// Output channels per `channels` (1 basic, 4 bottleneck).
    static var expansion: Int { get }
    /// A block `inputChannels -> expansion·channels` with stride `stride`.
    init(inputChannels: Int, channels: Int, stride: Int, zeroInitResidual: Bool, rng: inout Philox)
}

extension BasicBlock: ResidualBlock {
    /// 1.
    public static var expansion: Int { 1 }
}

extension Bottleneck: ResidualBlock {
    /// 4.
    public static var expansion: Int { 4 }
}
