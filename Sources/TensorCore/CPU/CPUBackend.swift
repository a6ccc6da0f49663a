import Kernels
import Support

/// The CPU backend: OpenBLAS for matrix products (and the convolutions' GEMMs; `PackedGEMM` for tall, short-K ones), our SIMD kernels
/// (`Sources/Kernels`) for everything else, all on host memory. The only part of TensorCore that
/// imports `Kernels`; its methods take each tensor's buffer once and call one kernel.
public struct CPUBackend: Backend {
    /// How 3×3 stride-1 convolutions run: `.fastest` (Winograd F(4×4, 3×3) where
    /// `Convolution.winogradApplies`) or `.im2col` for every layer.
    public var convolution: ConvolutionAlgorithm

    /// The CPU backend.
    public init(convolution: ConvolutionAlgorithm = .fastest) { self.convolution = convolution }

    /// "cpu (OpenBLAS <kernel set>)".
    public var name: String { "cpu (OpenBLAS \(BLAS.coreName))" }

    /// One `product` per matrix of the batch.
    public func matmul(
        _ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool, batch: Int, m: Int, n: Int, k: Int, sharedB: Bool,
        shape: Shape
    ) -> Tensor {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                Tensor(shape: shape) { pc in
                    for i in 0..<batch {
                        let (ai, bi, ci) = (pa.baseAddress! + i * m * k, pb.baseAddress! + (sharedB ? 0 : i * k * n), pc.baseAddress! + i * m * n)
                        Self.product(
                            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: ai, lda: a.shape[-1], b: bi,
                            ldb: b.shape[-1], c: ci, ldc: n, accumulate: false)
                    }
                }
            }
        }
    }

    /// The bias rows, then `x · weightᵀ` added into them (`product`).
    public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let (rows, k, n) = (x.shape[0], x.shape[1], weight.shape[0])
        return x.withUnsafeBufferPointer { px in
            weight.withUnsafeBufferPointer { pw in
                withOptionalPointer(bias) { pb in
                    Tensor(shape: [rows, n]) { py in
                        let y = SendablePointer(py.baseAddress!)
                        if let pb {
                            let b = SendablePointer(pb)
                            parallelFor(rows, grain: Swift.max(1, Tensor.elementwiseGrain / Swift.max(n, 1))) { r in
                                for i in r { (y.base + i * n).update(from: b.base, count: n) }
                            }
                        }
                        Self.product(
                            transposeA: false, transposeB: true, m: rows, n: n, k: k, a: px.baseAddress!, lda: k, b: pw.baseAddress!,
                            ldb: k, c: py.baseAddress!, ldc: n, accumulate: pb != nil)
                    }
                }
            }
        }
    }

    /// C[m, n] = op(A)·op(B) (`accumulate`: C + op(A)·op(B)), row-major: `PackedGEMM` for tall untransposed-A
    /// products with a short inner dimension (`PackedGEMM.suits`), else `cblas_sgemm` (beta 1 when accumulating).
    static func product(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
        ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        if !transposeA && PackedGEMM.suits(m: m, n: n, k: k) {
            PackedGEMM.multiply(
                a: a, lda: lda, b: b, ldb: ldb, transposeB: transposeB, m: m, n: n, k: k, c: c, ldc: ldc, accumulate: accumulate)
        } else {
            BLAS.gemm(
                transA: transposeA, transB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: accumulate ? 1 : 0, c: c,
                ldc: ldc)
        }
    }

    /// `Elementwise.apply` on parallel chunks.
    public func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        Tensor.chunked(a, b) { Elementwise.apply(op, $0, $1, $2, count: $3) }
    }

    /// `Elementwise.apply` per output row, rows in parallel.
    public func binaryRows(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, shape: Shape, inner: Int, offsets: @Sendable (Int) -> (Int, Int)) -> Tensor {
        let rows = shape.count / inner
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let sa = SendablePointer(pa.baseAddress!)
                let sb = SendablePointer(pb.baseAddress!)
                return Tensor(shape: shape) { dst in
                    let d = SendablePointer(dst.baseAddress!)
                    parallelFor(rows, grain: Swift.max(1, Tensor.elementwiseGrain / inner)) { r in
                        for row in r {
                            let (oa, ob) = offsets(row)
                            Elementwise.apply(op, sa.base + oa, sb.base + ob, d.base + row * inner, count: inner)
                        }
                    }
                }
            }
        }
    }

    /// `Elementwise.apply(.add)` into `a`'s (unique) buffer.
    public func addInPlace(_ a: inout Tensor, _ b: Tensor) {
        b.withUnsafeBufferPointer { pb in
            a.withUnsafeMutableBufferPointer { pa in
                guard let base = pa.baseAddress, let other = pb.baseAddress else { return }
                Elementwise.apply(.add, base, other, base, count: pa.count)
            }
        }
    }

    /// `Elementwise.relu` on parallel chunks.
    public func relu(_ x: Tensor) -> Tensor { Tensor.chunked(x, x) { x, _, y, n in Elementwise.relu(x, y, count: n) } }

    /// `Elementwise.gelu` on parallel chunks.
    public func gelu(_ x: Tensor) -> Tensor {
        Tensor.chunked(x, x, grain: Tensor.elementwiseGrain / 4) { x, _, y, n in Elementwise.gelu(x, y, count: n) }
    }

    /// `Elementwise.geluGradient` on parallel chunks.
    public func geluGradient(_ g: Tensor, x: Tensor) -> Tensor {
        Tensor.chunked(g, x, grain: Tensor.elementwiseGrain / 4) { g, x, dx, n in Elementwise.geluGradient(g, x, dx, count: n) }
    }
}
