import TensorCore

/// Max pooling, `[N, C, H, W] -> [N, C, OH, OW]` (no parameters).
public struct MaxPool2D: TensorLayer {
    /// The window size.
    public var kernel: Size2
    /// The stride.
    public var stride: Size2
    /// Padding (never wins the max).
    public var padding: Size2
    /// A max-pool layer.
    public init(kernel: Size2, stride: Size2, padding: Size2 = 0) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }
    /// No parameters.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {}
    /// `[N, C, H, W] -> [N, C, OH, OW]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        input.maxPool2d(kernel: kernel, stride: stride, padding: padding)
    }
}
