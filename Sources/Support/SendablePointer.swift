/// A raw pointer that may cross into worker closures of `parallelFor`; valid only inside the
/// `withUnsafe...` scope that produced it.
public struct SendablePointer<T>: @unchecked Sendable {
    /// The wrapped pointer.
    public let base: UnsafeMutablePointer<T>
    /// Wraps a mutable pointer.
    @inlinable public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    /// Wraps a read-only pointer (the kernel promises not to write through it).
    @inlinable public init(_ base: UnsafePointer<T>) { self.base = UnsafeMutablePointer(mutating: base) }
    /// Element access.
    @inlinable public subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
    /// Pointer arithmetic.
    @inlinable public static func + (p: SendablePointer, n: Int) -> SendablePointer { SendablePointer(p.base + n) }
}
