import TensorCore

/// Max or average pooling as a layer, `[N, C, H, W] -> [N, C, OH, OW]` (no parameters).
public struct Pool2D: TensorLayer {
    /// Which reduction over each window.
    public enum Kind: Sendable {
        /// The maximum (padding never wins).
        case max
        /// The mean, padding counted in the divisor (PyTorch's `count_include_pad=True`).
        case average
    }

    /// The reduction.
    public var kind: Kind
    /// The window size.
    public var kernel: Size2
    /// The stride.
    public var stride: Size2
    /// Zero padding.
    public var padding: Size2

    /// A pooling layer.
    public init(_ kind: Kind, kernel: Size2, stride: Size2, padding: Size2 = 0) {
        self.kind = kind
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// No parameters.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {}

    /// `[N, C, H, W] -> [N, C, OH, OW]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        switch kind {
        case .max: return input.maxPool2d(kernel: kernel, stride: stride, padding: padding)
        case .average: return input.avgPool2d(kernel: kernel, stride: stride, padding: padding)
        }
    }
}
