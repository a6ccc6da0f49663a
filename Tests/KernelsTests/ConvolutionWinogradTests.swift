import Kernels
import Support
import TestSupport
import XCTest

/// Winograd F(4×4, 3×3) against the direct convolution (`naiveForward` accumulates in Double): the
/// output and both gradients on every 3×3 stride-1 layer shape of ResNet-18 (CIFAR and ImageNet stems)
/// and ResNet-50, within 1e-4 of the largest reference magnitude per element; odd sizes, padding 0 and 2,
/// bias and multi-image blocks; the same bits on one and two threads.
final class ConvolutionWinogradTests: XCTestCase {
    typealias Result = ConvolutionCase

    func run(_ g: ConvolutionGeometry, winograd: Bool, seed: UInt64 = 3) -> Result {
        var r = ConvolutionCase(g, seed: seed, weightScale: 0.1)
        let (x, w, bias, gy) = (r.input, r.weight, r.bias, r.gradOutput)
        if winograd {
            Convolution.winogradForward(g, input: x, weight: w, bias: bias, output: &r.y)
            Convolution.winogradBackward(g, input: x, weight: w, gradOutput: gy, gradInput: &r.dx, gradWeight: &r.dw, gradBias: &r.db)
        } else {
            Convolution.naiveForward(g, input: x, weight: w, bias: bias, output: &r.y)
            Convolution.naiveBackward(g, input: x, weight: w, gradOutput: gy, gradInput: &r.dx, gradWeight: &r.dw, gradBias: &r.db)
        }
        return r
    }

    func geometry(batch: Int, channels: Int, outputs: Int? = nil, size: Int, width: Int? = nil, pad: Int = 1) -> ConvolutionGeometry {
        ConvolutionGeometry(
            batch: batch, inputChannels: channels, height: size, width: width ?? size, outputChannels: outputs ?? channels,
            kernelHeight: 3, kernelWidth: 3, padH: pad, padW: pad)
    }

    /// The largest |Winograd − direct| over the largest |direct|, for each of y, dx, dw.
    func errors(_ g: ConvolutionGeometry, file: StaticString = #filePath, line: UInt = #line) -> [Float] {
        XCTAssertTrue(Convolution.winogradSupports(g), "\(g)", file: file, line: line)
        let a = run(g, winograd: true)
        let b = run(g, winograd: false)
        assertClose(a.db, b.db, rtol: 1e-5, relativeToLargest: true, file: file, line: line)
        return [(a.y, b.y), (a.dx, b.dx), (a.dw, b.dw)].map { pair in
            let largest = pair.1.map { abs($0) }.max() ?? 0
            let worst = zip(pair.0, pair.1).map { abs($0 - $1) }.max() ?? .infinity
            return pair.0.count == pair.1.count && worst.isFinite ? worst / largest : .infinity
        }
    }

    func testEveryResNetShapeAgreesWithTheDirectConvolution() {
        // ResNet-18 CIFAR (32, 16, 8, 4 px) and ImageNet (56, 28, 14, 7 px; also ResNet-50's 3x3 bottleneck convs).
        let shapes = [(64, 32), (128, 16), (256, 8), (512, 4), (64, 56), (128, 28), (256, 14), (512, 7)]
        for (c, s) in shapes {
            let e = errors(geometry(batch: 2, channels: c, size: s))
            print(String(format: "winograd %d ch %d px: y %.2e, dx %.2e, dw %.2e (of the largest magnitude)", c, s, e[0], e[1], e[2]))
            for (name, v) in zip(["y", "dx", "dw"], e) { XCTAssertLessThanOrEqual(v, 1e-4, "\(name), \(c) channels, \(s) px") }
        }
    }

    func testOddSizesPaddingAndBlocks() {
        // Every C build this CPU runs. Odd maps crop partial tiles; pad 0 and 2; 1x1 to 12x12 maps; 70 images of 1 tile: blocks of 64 and 6.
        let cases = [
            geometry(batch: 5, channels: 16, outputs: 24, size: 7, width: 5),
            geometry(batch: 3, channels: 17, outputs: 16, size: 9, width: 11, pad: 0),
            geometry(batch: 2, channels: 16, size: 6, width: 3, pad: 2),
            geometry(batch: 7, channels: 32, outputs: 16, size: 2),
            geometry(batch: 3, channels: 16, size: 1),
            geometry(batch: 70, channels: 16, size: 3),
            geometry(batch: 64, channels: 16, size: 12),
        ]
        forEachInstructionSet { isa in
            for g in cases {
                for (name, v) in zip(["y", "dx", "dw"], errors(g)) { XCTAssertLessThanOrEqual(v, 1e-5, "\(name), \(g), \(isa)") }
            }
        }
    }

    /// An image's output and input gradient are the same bits in any batch (blocks depend on the image
    /// size only): the first images of a batch against those images alone.
    func testAnImagesResultDoesNotDependOnItsBatch() {
        for (c, s, whole, part) in [
            (16, 12, 128, 64), (16, 8, 128, 64), (32, 4, 128, 64), (64, 1, 128, 64), (32, 7, 64, 32), (64, 4, 64, 8), (64, 4, 64, 16),
            (64, 4, 64, 32), (64, 4, 64, 48), (64, 4, 48, 40), (128, 4, 128, 24),
        ] {
            var rng = Philox(seed: 5)
            let x = (0..<(whole * c * s * s)).map { _ in rng.nextNormal() }
            let w = (0..<(c * c * 9)).map { _ in rng.nextNormal() }
            let gy = (0..<(whole * c * s * s)).map { _ in rng.nextNormal() }
            func pass(_ n: Int) -> (y: [Float], dx: [Float]) {
                let g = geometry(batch: n, channels: c, size: s)
                var y = [Float](repeating: 0, count: n * c * s * s)
                var dx = y
                Convolution.winogradForward(g, input: x, weight: w, bias: nil, output: &y)
                Convolution.winogradBackward(g, input: x, weight: w, gradOutput: gy, gradInput: &dx, gradWeight: nil, gradBias: nil)
                return (y, dx)
            }
            let (a, b) = (pass(whole), pass(part))
            XCTAssertEqual(Array(a.y.prefix(b.y.count)), b.y, "\(c) channels, \(s) px, \(part) of \(whole)")
            XCTAssertEqual(Array(a.dx.prefix(b.dx.count)), b.dx, "\(c) channels, \(s) px, \(part) of \(whole)")
        }
    }

    func testThreadCountDoesNotChangeTheBits() {
        let g = geometry(batch: 16, channels: 32, size: 8)
        let before = (loops: ParallelLoops.threadCount, blas: BLAS.threadCount)
        defer {
            ParallelLoops.setThreadCount(before.loops)
            BLAS.setThreadCount(before.blas)
        }
        var results: [Result] = []
        for threads in [1, 2] {
            ParallelLoops.setThreadCount(threads)
            BLAS.setThreadCount(threads)
            results.append(run(g, winograd: true))
        }
        XCTAssertEqual(results[0].y, results[1].y)
        XCTAssertEqual(results[0].dx, results[1].dx)
        XCTAssertEqual(results[0].dw, results[1].dw)
    }

    func testShapesItDoesNotTake() {
        XCTAssertFalse(
            Convolution.winogradApplies(
                ConvolutionGeometry(
                    batch: 1, inputChannels: 64, height: 8, width: 8, outputChannels: 64, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2,
                    padH: 1, padW: 1)))
        XCTAssertFalse(
            Convolution.winogradApplies(
                ConvolutionGeometry(batch: 1, inputChannels: 64, height: 8, width: 8, outputChannels: 64, kernelHeight: 1, kernelWidth: 1)))
        XCTAssertFalse(Convolution.winogradApplies(geometry(batch: 1, channels: 3, outputs: 64, size: 32)))
        XCTAssertFalse(Convolution.winogradApplies(geometry(batch: 1, channels: 8, outputs: 64, size: 32)))
        XCTAssertFalse(Convolution.winogradSupports(geometry(batch: 1, channels: 64, size: 32, pad: 3)))
        XCTAssertTrue(Convolution.winogradApplies(geometry(batch: 1, channels: 512, size: 4)))
        XCTAssertFalse(Convolution.winogradApplies(geometry(batch: 1, channels: 8, size: 7)))
        XCTAssertTrue(Convolution.winogradSupports(geometry(batch: 1, channels: 8, size: 7)))
    }
}
