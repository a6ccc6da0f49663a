import Kernels
import Support
import TestSupport
import XCTest

/// The block passes against the naive convolution, on one and two threads, with blocks of one image
/// (each thread runs whole blocks with single-threaded GEMMs) and with multi-image blocks.
final class ConvolutionPassesTests: XCTestCase {
    struct Result: Equatable { var y, dx, dw, db: [Float] }

    func run(_ g: ConvolutionGeometry, threads: Int, blockColumns: Int, naive: Bool = false) -> Result {
        // Kernels sit below TensorCore's `Threading`, so the test sets both counts as it does.
        let before = (loops: ParallelLoops.threadCount, blas: BLAS.threadCount)
        ParallelLoops.setThreadCount(threads)
        BLAS.setThreadCount(threads)
        defer {
            ParallelLoops.setThreadCount(before.loops)
            BLAS.setThreadCount(before.blas)
        }
        let c = ConvolutionCase(g, seed: 11)
        let (x, w, bias, gy) = (c.input, c.weight, c.bias, c.gradOutput)
        var r = Result(y: c.y, dx: c.dx, dw: c.dw, db: c.db)
        if naive {
            Convolution.naiveForward(g, input: x, weight: w, bias: bias, output: &r.y)
            Convolution.naiveBackward(g, input: x, weight: w, gradOutput: gy, gradInput: &r.dx, gradWeight: &r.dw, gradBias: &r.db)
        } else {
            Convolution.forward(g, input: x, weight: w, bias: bias, output: &r.y, blockColumns: blockColumns)
            Convolution.backward(
                g, input: x, weight: w, gradOutput: gy, gradInput: &r.dx, gradWeight: &r.dw,
                gradBias: &r.db, blockColumns: blockColumns)
        }
        return r
    }

    func testBlockPassesMatchNaiveAndDoNotDependOnThreadCount() {
        let geometries = [
            // 3x3 pad 1 (ResNet body), odd batch so the last block is short.
            ConvolutionGeometry(
                batch: 7, inputChannels: 5, height: 6, width: 6, outputChannels: 4,
                kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padH: 1, padW: 1),
            // 1x1 stride 2 (shortcut), grouped 3x3 with stride 2 and dilation.
            ConvolutionGeometry(
                batch: 9, inputChannels: 4, height: 7, width: 5, outputChannels: 6,
                kernelHeight: 1, kernelWidth: 1, strideH: 2, strideW: 2, padH: 0, padW: 0),
            ConvolutionGeometry(
                batch: 5, inputChannels: 4, height: 9, width: 8, outputChannels: 6,
                kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2, padH: 2, padW: 1,
                dilationH: 2, dilationW: 1, groups: 2),
            // 1x1 stride 1 with one image per block: the GEMM reads the input planes directly.
            ConvolutionGeometry(
                batch: 4, inputChannels: 3, height: 8, width: 8, outputChannels: 5,
                kernelHeight: 1, kernelWidth: 1, strideH: 1, strideW: 1, padH: 0, padW: 0),
        ]
        for (i, g) in geometries.enumerated() {
            let reference = run(g, threads: 1, blockColumns: 1, naive: true)
            // One image per block (many blocks: the split path on 2 threads, 8 weight-gradient groups),
            // two or three images per block, and the whole batch in one block.
            for columns in [1, 2 * g.outputHeight * g.outputWidth + 1, 1 << 20] {
                let one = run(g, threads: 1, blockColumns: columns)
                let two = run(g, threads: 2, blockColumns: columns)
                XCTAssertEqual(one, two, "geometry \(i), blockColumns \(columns): 1 vs 2 threads")
                assertClose(one.y, reference.y, atol: 1e-4, rtol: 1e-4, "y \(i) \(columns)")
                assertClose(one.dx, reference.dx, atol: 1e-4, rtol: 1e-4, "dx \(i) \(columns)")
                assertClose(one.dw, reference.dw, atol: 1e-4, rtol: 1e-4, "dw \(i) \(columns)")
                assertClose(one.db, reference.db, atol: 1e-4, rtol: 1e-4, "db \(i) \(columns)")
            }
        }
    }
}
