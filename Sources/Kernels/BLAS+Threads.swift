import Foundation

@_silgen_name("openblas_read_env") private func openblasReadEnvironment()
@_silgen_name("blas_thread_shutdown_") private func openblasThreadShutdown() -> Int32
@_silgen_name("blas_thread_init") private func openblasThreadInit() -> Int32

extension BLAS {
    /// Makes OpenBLAS's idle worker threads sleep almost at once after a GEMM instead of spinning
    /// (by default they spin for about 2^28 cycles, ~0.1 s), so they stop competing with our own
    /// parallel loops and the loader on a small machine. Applied once by an executable at start-up
    /// (it sets OpenBLAS's `OPENBLAS_THREAD_TIMEOUT` to its minimum and restarts the thread pool);
    /// library code never calls it. Measured: ResNet-18 training step +60% on 2 cores (docs/performance.md).
    public static func limitIdleSpinning() {
        setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1)
        openblasReadEnvironment()
        _ = openblasThreadShutdown()
        _ = openblasThreadInit()
    }
}
