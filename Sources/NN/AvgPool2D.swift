import TensorCore

/// Average pooling (padding counts in the divisor), `[N, C, H, W] -> [N, C, OH, OW]`.
public struct AvgPool2D: TensorLayer {
    /// The window size.
    public var kernel: Size2
    /// The stride.
    public var stride: Size2
    /// Zero padding.
    public var padding: Size2
    /// An average-pool layer.
    public init(kernel: Size2, stride: Size2, padding: Size2 = 0) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }
    /// No parameters.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {}
    /// `[N, C, H, W] -> [N, C, OH, OW]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        input.avgPool2d(kernel: kernel, stride: stride, padding: padding)
    }
}
