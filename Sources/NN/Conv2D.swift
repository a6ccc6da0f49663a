import Support
import TensorCore

/// A 2-D convolution (cross-correlation) layer: `[N, C, H, W] -> [N, O, OH, OW]`, `weight`
/// `[O, C/groups, KH, KW]`, optional `bias` `[O]` (PyTorch layout and names).
public struct Conv2D: TensorLayer {
    /// `[O, C/groups, KH, KW]`.
    public var weight: Parameter
    /// `[O]`, if present.
    public var bias: Parameter?
    /// The stride.
    public var stride: Size2
    /// Zero padding on each side.
    public var padding: Size2
    /// The dilation.
    public var dilation: Size2
    /// The number of groups.
    public var groups: Int

    /// How to initialise the weight.
    public enum Initialization: Sendable {
        /// PyTorch's default: kaiming uniform with a = sqrt(5), bias U(±1/sqrt(fanIn)).
        case pytorchDefault
        /// `kaiming_normal_(mode="fan_out", nonlinearity="relu")` (torchvision ResNet).
        case kaimingNormalFanOut
    }

    /// A convolution with `kernel` size and the given geometry.
    public init(
        inputChannels: Int, outputChannels: Int, kernel: Size2, stride: Size2 = 1, padding: Size2 = 0,
        dilation: Size2 = 1, groups: Int = 1, bias: Bool = true,
        initialization: Initialization = .pytorchDefault, rng: inout Philox
    ) {
        precondition(
            inputChannels % groups == 0 && outputChannels % groups == 0,
            "Conv2D: channels \(inputChannels)->\(outputChannels) do not split into \(groups) groups")
        let shape: Shape = [outputChannels, inputChannels / groups, kernel.h, kernel.w]
        let (fanIn, fanOut) = Initializer.fans(shape)
        switch initialization {
        case .pytorchDefault: weight = Parameter(Initializer.kaimingUniform(shape, fanIn: fanIn, rng: &rng), role: .weight)
        case .kaimingNormalFanOut: weight = Parameter(Initializer.kaimingNormal(shape, fan: fanOut, rng: &rng), role: .weight)
        }
        self.bias = bias ? Parameter(Initializer.defaultBias([outputChannels], fanIn: fanIn, rng: &rng), role: .bias) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    /// The output channel count O.
    public var outputChannels: Int { weight.shape[0] }

    /// Visits `weight`, `bias`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("weight", &weight)
        visitor.visit("bias", &bias)
    }

    /// `[N, C, H, W] -> [N, O, OH, OW]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// `[N, C, H, W] -> [N, O, OH, OW]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor { self(input) }
}
