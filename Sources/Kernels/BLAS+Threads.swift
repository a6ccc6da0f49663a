import COpenBLAS
import Foundation
import Support

extension BLAS {
    /// Sets the number of threads OpenBLAS uses for one GEMM (at least 1). Applications go through
    /// TensorCore's `Threading.setCount`, which sets this and `ParallelLoops` together.
    public static func setThreadCount(_ n: Int) {
        require(n >= 1, "thread count must be at least 1")
        openblas_set_num_threads(Int32(n))
    }

    /// Runs `body` with OpenBLAS on one thread (for GEMMs issued from several of our own threads at
    /// once), then restores the thread count it had.
    public static func withSingleThread<R>(_ body: () throws -> R) rethrows -> R {
        let before = threadCount
        if before == 1 { return try body() }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(before)) }
        return try body()
    }

    /// Makes OpenBLAS's idle worker threads sleep almost at once after a GEMM instead of spinning
    /// (by default they spin for about 2^28 cycles, ~0.1 s), so they stop competing with our own
    /// parallel loops and the loader on a small machine. Applied once by an executable at start-up
    /// (it sets OpenBLAS's `OPENBLAS_THREAD_TIMEOUT` to its minimum and restarts the thread pool);
    /// library code never calls it. Measured: ResNet-18 training step +60% on 2 cores (docs/performance.md).
    public static func limitIdleSpinning() {
        setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1)
        openblas_read_env()
        _ = blas_thread_shutdown_()
        _ = blas_thread_init()
    }
}
