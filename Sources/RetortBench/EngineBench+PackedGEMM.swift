import Foundation
import Kernels
import Support
import TensorCore

extension EngineBench {
    /// The products `PackedGEMM` serves (a text tower's and vit_tiny's projections, `x · Wᵀ`), against
    /// `cblas_sgemm` on the same buffers, alternating, on 1 and 2 threads: GFLOP/s of each and their ratio
    /// (best of `rounds`). `retort-bench engine --packed-gemm` runs it alone; docs/performance.md.
    static func packedGEMMComparison(rounds: Int) {
        let shapes = [
            (8192, 384, 128, "text qkv"), (8192, 512, 128, "text fc1"), (8192, 128, 512, "text fc2"), (8192, 128, 128, "text proj"),
            (8320, 576, 192, "vit_tiny qkv"), (8320, 768, 192, "vit_tiny fc1"), (8320, 192, 768, "vit_tiny fc2"),
        ]
        print("PackedGEMM against cblas_sgemm, x [m, k] · Wᵀ ([n, k]), best of \(rounds) alternating rounds")
        for threads in [1, 2] {
            Threading.setCount(threads)
            for (m, n, k, name) in shapes {
                let a = randomBuffer(m * k, seed: 1)
                let w = randomBuffer(n * k, seed: 2)
                var c = [Float](repeating: 0, count: m * n)
                var (blas, packed) = (Double.infinity, Double.infinity)
                for _ in 0..<rounds {
                    c.withUnsafeMutableBufferPointer { pc in
                        blas = min(
                            blas,
                            best(1) {
                                BLAS.gemm(transA: false, transB: true, m: m, n: n, k: k, a: a, lda: k, b: w, ldb: k, c: pc.baseAddress!, ldc: n)
                            })
                        packed = min(
                            packed,
                            best(1) {
                                PackedGEMM.multiply(
                                    a: a, lda: k, b: w, ldb: k, transposeB: true, m: m, n: n, k: k, c: pc.baseAddress!, ldc: n,
                                    accumulate: false)
                            })
                    }
                }
                let flops = 2 * Double(m * n * k)
                print(
                    String(
                        format: "  %d thread%@ %@ %dx%dx%d: OpenBLAS %.1f GFLOP/s, PackedGEMM %.1f GFLOP/s, ratio %.2f", threads,
                        threads == 1 ? "" : "s", name, m, n, k, flops / blas / 1e9, flops / packed / 1e9, blas / packed))
            }
        }
        Threading.setCount(2)
    }
}
