import Foundation
import TensorCore

/// An integer tensor as stored in safetensors I64 entries (step counters, `num_batches_tracked`).
public struct Int64Tensor: Equatable, Sendable {
    /// The dimensions.
    public var shape: Shape
    /// The values, row-major.
    public var scalars: [Int64]
    /// An integer tensor; `scalars.count` must equal `shape.count`.
    public init(shape: Shape, scalars: [Int64]) {
        precondition(shape.count == scalars.count, "Int64Tensor: \(scalars.count) values for shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }
}
