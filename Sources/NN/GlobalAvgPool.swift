import TensorCore

/// Global average pooling, `[N, C, H, W] -> [N, C]`.
public struct GlobalAvgPool: TensorLayer {
    /// A global average-pool layer.
    public init() {}
    /// No parameters.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {}
    /// `[N, C, H, W] -> [N, C]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor { input.globalAveragePool() }
}
