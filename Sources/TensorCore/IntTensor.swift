import Support

/// A small integer tensor for labels, class ids and indices (row-major, no autodiff).
public struct IntTensor: Equatable, Sendable {
    /// The dimensions.
    public var shape: Shape
    /// The values, row-major.
    public var scalars: [Int32]

    /// Creates an integer tensor; `scalars.count` must equal `shape.count`.
    public init(shape: Shape, scalars: [Int32]) {
        require(shape.count == scalars.count, "IntTensor: \(scalars.count) values for shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }
    /// A rank-1 integer tensor.
    public init(_ values: [Int]) { self.init(shape: [values.count], scalars: values.map { Int32($0) }) }
    /// A rank-1 integer tensor.
    public init(_ values: [Int32]) { self.init(shape: [values.count], scalars: values) }
    /// The number of elements.
    public var count: Int { scalars.count }
}
