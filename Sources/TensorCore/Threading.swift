import Kernels
import Support

/// The single owner of thread counts: how many threads our parallel loops (`ParallelLoops`, in
/// Support) and OpenBLAS (`BLAS`, in Kernels) use. Both are process-wide, so only an application
/// sets them (the CLI from `train.threads`, a benchmark, a test), once, before any work; library code
/// (the trainer, the teacher cache) never does, and nothing reads the environment. It lives in
/// TensorCore so that code above the engine sets threads without importing Kernels.
public enum Threading {
    /// The number of threads for parallel loops and for OpenBLAS (1 until `setCount` is called).
    public static var count: Int { ParallelLoops.threadCount }
    /// Sets the thread count for both our loops and OpenBLAS.
    public static func setCount(_ n: Int) {
        require(n >= 1, "thread count must be at least 1")
        ParallelLoops.setThreadCount(n)
        BLAS.setThreadCount(n)
    }
}
