import Foundation
import COpenBLAS

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

/// The single owner of non-BLAS parallelism: how many worker threads `parallelFor` uses and how
/// many OpenBLAS uses. Set once by the application (CLI/recipe), never read from the environment.
public enum Threading {
    nonisolated(unsafe) private static var _count = 1
    /// The number of threads for parallel loops and for OpenBLAS.
    public static var count: Int { _count }
    /// Sets the thread count for both our loops and OpenBLAS.
    public static func setCount(_ n: Int) {
        require(n >= 1, "thread count must be at least 1")
        _count = n
        openblas_set_num_threads(Int32(n))
    }
    /// Runs `body` with OpenBLAS on one thread (for GEMMs issued from several of our own threads at
    /// once), then gives it `count` threads again.
    public static func withSingleThreadedBLAS<R>(_ body: () throws -> R) rethrows -> R {
        if _count == 1 { return try body() }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(_count)) }
        return try body()
    }
}

/// Splits `0..<count` into contiguous chunks of at least `grain` items and runs `body` on each,
/// on up to `Threading.count` threads. Kernels give each index its own output, so results do not
/// depend on the thread count.
@inlinable
public func parallelFor(_ count: Int, grain: Int = 1, _ body: @Sendable (Range<Int>) -> Void) {
    if count <= 0 { return }
    let threads = Threading.count
    let minChunk = max(grain, 1)
    let chunks = min(threads, max(1, count / minChunk))
    if chunks <= 1 { body(0..<count); return }
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let lo = count * c / chunks, hi = count * (c + 1) / chunks
        if lo < hi { body(lo..<hi) }
    }
}
