import COpenBLAS

extension BLAS {
    /// The kernel set OpenBLAS dispatches to (`Haswell` = AVX2, `SkylakeX`/`Cooperlake` = AVX-512, ...):
    /// its own CPU detection unless `OPENBLAS_CORETYPE` forces one. Benchmarks and run logs print it,
    /// since it halves or doubles every GEMM (docs/performance.md).
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
