import Kernels
import Support
import TensorCore
import TestSupport
import XCTest

final class Conv2DTests: XCTestCase {
    struct Case {
        var n, c, h, w, o, kh, kw: Int
        var stride: Size2 = 1, padding: Size2 = 0, dilation: Size2 = 1, groups = 1, bias = true
    }

    static let cases: [Case] = [
        Case(n: 1, c: 1, h: 5, w: 5, o: 1, kh: 3, kw: 3, bias: false),
        Case(n: 2, c: 3, h: 7, w: 6, o: 4, kh: 3, kw: 3, padding: 1),
        Case(n: 2, c: 4, h: 9, w: 8, o: 6, kh: 3, kw: 3, stride: 2, padding: 1, groups: 2),
        Case(n: 1, c: 6, h: 8, w: 8, o: 6, kh: 3, kw: 3, padding: 1, groups: 6),  // depthwise
        Case(n: 3, c: 4, h: 7, w: 8, o: 8, kh: 3, kw: 3, stride: 2, padding: 1, groups: 4),  // depthwise x2
        Case(n: 3, c: 5, h: 11, w: 7, o: 4, kh: 5, kw: 3, stride: Size2(2, 1), padding: Size2(2, 1), dilation: Size2(1, 2)),
        Case(n: 2, c: 8, h: 6, w: 6, o: 4, kh: 1, kw: 1),  // pointwise
        Case(n: 2, c: 8, h: 8, w: 8, o: 16, kh: 1, kw: 1, stride: 2, bias: false),  // 1x1 stride 2
        Case(n: 2, c: 3, h: 10, w: 10, o: 4, kh: 3, kw: 3, padding: 2, dilation: 2),
        Case(n: 5, c: 2, h: 4, w: 4, o: 3, kh: 2, kw: 2, stride: 3, padding: 1),
        Case(n: 4, c: 6, h: 5, w: 3, o: 9, kh: 3, kw: 2, stride: Size2(1, 2), padding: Size2(0, 1), groups: 3),
        Case(n: 2, c: 2, h: 46, w: 46, o: 3, kh: 3, kw: 3, padding: 1),  // one image per GEMM
        Case(n: 2, c: 3, h: 48, w: 48, o: 4, kh: 1, kw: 1, bias: false),  // pointwise, no im2col
        Case(n: 1, c: 3, h: 2, w: 2, o: 2, kh: 3, kw: 3, padding: 1),
    ]

    func geometry(_ k: Case) -> ConvolutionGeometry {
        ConvolutionGeometry(
            batch: k.n, inputChannels: k.c, height: k.h, width: k.w, outputChannels: k.o,
            kernelHeight: k.kh, kernelWidth: k.kw, strideH: k.stride.h, strideW: k.stride.w,
            padH: k.padding.h, padW: k.padding.w, dilationH: k.dilation.h, dilationW: k.dilation.w, groups: k.groups)
    }

    func testForwardAndBackwardMatchNaiveConvolution() {
        for (ci, k) in Self.cases.enumerated() {
            let g = geometry(k)
            let x = TestTensors.randn([k.n, k.c, k.h, k.w], seed: UInt64(ci))
            let w = TestTensors.randn([k.o, k.c / k.groups, k.kh, k.kw], seed: UInt64(100 + ci))
            let b = TestTensors.randn([k.o], seed: UInt64(200 + ci))
            let outShape: Shape = [k.n, k.o, g.outputHeight, g.outputWidth]
            let gy = TestTensors.randn(outShape, seed: UInt64(300 + ci))
            var ref = [Float](repeating: 0, count: outShape.count)
            var rx = [Float](repeating: 0, count: x.count)
            var rw = [Float](repeating: 0, count: w.count)
            var rb = [Float](repeating: 0, count: k.o)
            let xs = x.scalars
            let ws = w.scalars
            let bs = b.scalars
            let gs = gy.scalars
            Convolution.naiveForward(g, input: xs, weight: ws, bias: k.bias ? bs : nil, output: &ref)
            Convolution.naiveBackward(g, input: xs, weight: ws, gradOutput: gs, gradInput: &rx, gradWeight: &rw, gradBias: &rb)

            let tape = Tape()
            let tx = tape.watch(x)
            let tw = tape.watch(w)
            let tb = tape.watch(b)
            let y = tx.conv2d(tw, bias: k.bias ? tb : nil, stride: k.stride, padding: k.padding, dilation: k.dilation, groups: k.groups)
            XCTAssertEqual(y.shape, outShape, "case \(ci)")
            assertClose(y.scalars, ref, atol: 1e-4, rtol: 1e-4, "forward case \(ci)")
            let grads = tape.gradients(of: y, wrt: [tx, tw, tb], seed: gy)
            assertClose(grads[0].scalars, rx, atol: 1e-4, rtol: 1e-4, "dX case \(ci)")
            assertClose(grads[1].scalars, rw, atol: 2e-4, rtol: 1e-4, "dW case \(ci)")
            if k.bias { assertClose(grads[2].scalars, rb, atol: 2e-4, rtol: 1e-4, "dB case \(ci)") }
        }
    }

    func testOutputShapeFollowsPyTorchFormula() {
        let x = Tensor(zeros: [2, 4, 7, 9])
        let w = Tensor(zeros: [6, 2, 3, 2])
        let y = x.conv2d(w, stride: Size2(2, 3), padding: Size2(1, 0), dilation: Size2(2, 1), groups: 2)
        // OH = (7 + 2 - 2*2 - 1)/2 + 1 = 3, OW = (9 - 1 - 1)/3 + 1 = 3
        XCTAssertEqual(y.shape, [2, 6, 3, 3])
    }

    func testGradientsByFiniteDifferences() {
        let configs: [(Shape, Shape, Size2, Size2, Size2, Int)] = [
            ([2, 3, 5, 5], [4, 3, 3, 3], 1, 1, 1, 1),
            ([1, 4, 6, 5], [4, 1, 3, 3], 2, 1, 1, 4),
            ([2, 2, 7, 7], [3, 2, 2, 3], Size2(2, 1), Size2(1, 0), 2, 1),
            ([3, 4, 4, 4], [2, 4, 1, 1], 1, 0, 1, 1),
            // 16 channels, 3x3, stride 1: the Winograd path of the CPU backend (two images, 5x6 maps: partial tiles).
            ([2, 16, 5, 6], [16, 16, 3, 3], 1, 1, 1, 1),
        ]
        for (i, (xs, ws, s, p, d, grp)) in configs.enumerated() {
            let x = TestTensors.randn(xs, seed: UInt64(10 + i))
            let w = TestTensors.randn(ws, seed: UInt64(20 + i), scale: 0.5)
            let b = TestTensors.randn([ws[0]], seed: UInt64(30 + i))
            assertGradients([x, w, b]) { t in
                t[0].conv2d(t[1], bias: t[2], stride: s, padding: p, dilation: d, groups: grp)
            }
        }
    }

    func testNoInputGradientWhenInputIsNotTraced() {
        let tape = Tape()
        let x = TestTensors.randn([1, 2, 4, 4], seed: 1)
        let w = tape.watch(TestTensors.randn([3, 2, 3, 3], seed: 2))
        let y = x.conv2d(w, padding: 1).sum()
        let gw = tape.gradients(of: y, wrt: [w])[0]
        XCTAssertEqual(gw.shape, [3, 2, 3, 3])
        XCTAssertGreaterThan(gw.scalars.map(abs).max()!, 0)
    }

    func testEmptyBatch() {
        let y = Tensor(zeros: [0, 3, 5, 5]).conv2d(Tensor(zeros: [4, 3, 3, 3]), bias: Tensor(zeros: [4]), padding: 1)
        XCTAssertEqual(y.shape, [0, 4, 5, 5])
    }
}
