import Foundation

/// How many worker threads `parallelFor` splits a loop over. One process-wide count, set once by
/// the application through TensorCore's `Threading.setCount` (which also gives OpenBLAS the same
/// count); never read from the environment. Starts at 1: loops run on the calling thread until
/// an application asks for more.
public enum ParallelLoops {
    nonisolated(unsafe) private static var _threadCount = 1
    /// The number of threads `parallelFor` uses.
    public static var threadCount: Int { _threadCount }
    /// Sets the number of threads `parallelFor` uses (at least 1). Only the thread owner
    /// (`Threading.setCount` in TensorCore, or a kernel test) calls this, so that OpenBLAS and our
    /// loops never disagree.
    public static func setThreadCount(_ n: Int) {
        require(n >= 1, "thread count must be at least 1")
        _threadCount = n
    }
}

/// Splits `0..<count` into contiguous chunks of at least `grain` items and runs `body` on each,
/// on up to `ParallelLoops.threadCount` threads. Kernels give each index its own output, so results
/// do not depend on the thread count.
@inlinable
public func parallelFor(_ count: Int, grain: Int = 1, _ body: @Sendable (Range<Int>) -> Void) {
    if count <= 0 { return }
    let threads = ParallelLoops.threadCount
    let minChunk = max(grain, 1)
    let chunks = min(threads, max(1, count / minChunk))
    if chunks <= 1 {
        body(0..<count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let lo = count * c / chunks
        let hi = count * (c + 1) / chunks
        if lo < hi { body(lo..<hi) }
    }
}
