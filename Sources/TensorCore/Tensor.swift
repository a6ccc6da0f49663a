import Support
import Synchronization

/// The heap buffer behind one or more `Tensor` values (shared until one of them is mutated).
public final class TensorStorage: @unchecked Sendable {
    /// The elements, row-major.
    @usableFromInline var values: [Float]
    @usableFromInline init(_ values: [Float]) { self.values = values }
}

/// Debug counters for performance hygiene tests.
public enum TensorDiagnostics {
    /// How many copy-on-write copies of tensor storage have been made in this process.
    public static let copyOnWriteCopies = Atomic<Int>(0)
}

/// Where a traced tensor sits on an autodiff tape.
@usableFromInline struct Trace {
    @usableFromInline weak var tape: Tape?
    @usableFromInline let id: Int
    @usableFromInline init(tape: Tape, id: Int) {
        self.tape = tape
        self.id = id
    }
}

/// A Float32, row-major, contiguous tensor: a value type over copy-on-write storage.
/// A tensor that came from `Tape.watch` or from an op on such a tensor is traced: ops on it record
/// their pullbacks on that tape while it is recording.
public struct Tensor: @unchecked Sendable, CustomStringConvertible {
    /// The dimensions.
    @inlinable public var shape: Shape { _shape }
    @usableFromInline var _shape: Shape
    @usableFromInline var storage: TensorStorage
    @usableFromInline var trace: Trace?

    /// Creates a tensor from row-major values; `scalars.count` must equal `shape.count`.
    public init(shape: Shape, scalars: [Float]) {
        require(shape.count == scalars.count, "Tensor: \(scalars.count) values for shape \(shape)")
        self._shape = shape
        self.storage = TensorStorage(scalars)
    }
    /// A tensor of `shape` filled with `value`.
    public init(repeating value: Float, shape: Shape) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.count))
    }
    /// A zero tensor of `shape`.
    public init(zeros shape: Shape) { self.init(repeating: 0, shape: shape) }
    /// A rank-0 tensor holding `value`.
    public init(_ value: Float) { self.init(shape: [], scalars: [value]) }
    /// A rank-1 tensor.
    public init(_ values: [Float]) { self.init(shape: [values.count], scalars: values) }

    /// A tensor of `shape` whose elements are written by `fill` (no zero-initialisation pass).
    @inlinable
    public init(shape: Shape, unsafeUninitialized fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let n = shape.count
        let values = try [Float](unsafeUninitializedCapacity: n) { buf, count in
            try fill(buf)
            count = n
        }
        self._shape = shape
        self.storage = TensorStorage(values)
    }

    /// The number of elements.
    @inlinable public var count: Int { storage.values.count }
    /// The number of dimensions.
    @inlinable public var rank: Int { shape.rank }
    /// The elements, row-major (a copy).
    public var scalars: [Float] { storage.values }
    /// The single value of a one-element tensor.
    public var scalar: Float {
        require(count == 1, "scalar: tensor of shape \(shape) has \(count) elements")
        return storage.values[0]
    }
    /// Summary text.
    public var description: String {
        let head = storage.values.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor\(shape)[\(head)\(count > 8 ? ", ..." : "")]"
    }

    /// Read access to the elements for kernels.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.values.withUnsafeBufferPointer(body)
    }
    /// Write access to the elements for kernels; copies the storage first if it is shared.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) {
            TensorDiagnostics.copyOnWriteCopies.add(1, ordering: .relaxed)
            storage = TensorStorage(storage.values)
        }
        return try storage.values.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Whether this tensor is traced on a tape that is currently recording.
    @inlinable public var isTraced: Bool { trace?.tape?.isRecording == true }
    /// The tensor's id on its tape, if traced.
    public var traceID: Int? { trace?.id }
    /// The same values, cut from the tape: gradients do not flow through the result.
    @inlinable public var detached: Tensor {
        var t = self
        t.trace = nil
        return t
    }
    /// Same as `detached` (the name most SSL code uses).
    @inlinable public func stopGradient() -> Tensor { detached }

    /// Whether two tensors share the same storage buffer (no copy between them).
    public func sharesStorage(with other: Tensor) -> Bool { storage === other.storage }

    /// Internal: the same storage under a new shape of equal element count.
    @usableFromInline func withShape(_ s: Shape) -> Tensor {
        var t = self
        t._shape = s
        t.trace = nil
        return t
    }
}
