import Support

/// An integer tensor (row-major, no autodiff): `IntTensor` (Int32) for labels, class ids and indices,
/// `Int64Tensor` for safetensors I64 entries (step counters, `num_batches_tracked`, sample ids).
public struct IntegerTensor<Scalar: FixedWidthInteger & Sendable>: Equatable, Sendable {
    /// The dimensions.
    public var shape: Shape
    /// The values, row-major.
    public var scalars: [Scalar]

    /// Creates an integer tensor; `scalars.count` must equal `shape.count`.
    public init(shape: Shape, scalars: [Scalar]) {
        require(shape.count == scalars.count, "integer tensor: \(scalars.count) values for shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }
    /// A rank-1 integer tensor.
    public init(_ values: [Int]) { self.init(shape: [values.count], scalars: values.map { Scalar($0) }) }
    /// A rank-1 integer tensor.
    public init(_ values: [Scalar]) { self.init(shape: [values.count], scalars: values) }
    /// The number of elements.
    public var count: Int { scalars.count }
}

/// Labels, class ids and indices.
public typealias IntTensor = IntegerTensor<Int32>
/// Safetensors I64 entries.
public typealias Int64Tensor = IntegerTensor<Int64>
