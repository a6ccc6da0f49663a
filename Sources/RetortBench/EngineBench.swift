// The engine suite: SGEMM peak, convolution throughput over ResNet-18-CIFAR shapes, and
// memory bandwidth of elementwise and batch-norm kernels. Everything is a ratio against the
// SGEMM peak (or in GB/s) measured in the same run.
import Foundation
import Kernels
import Support
import TensorCore

enum EngineBench {
    /// Wall-clock seconds of the best of `reps` runs of `body` (after one warm-up run).
    static func best(_ reps: Int, _ body: () -> Void) -> Double {
        body()
        var t = Double.infinity
        for _ in 0..<reps {
            let s = DispatchTime.now().uptimeNanoseconds
            body()
            t = min(t, Double(DispatchTime.now().uptimeNanoseconds - s) / 1e9)
        }
        return t
    }

    static func randomBuffer(_ n: Int, seed: UInt64) -> [Float] {
        var rng = Philox(seed: seed)
        return (0..<n).map { _ in rng.nextUniform(in: -1, 1) }
    }

    /// GFLOP/s of an n x n x n SGEMM.
    static func gemmPeak(_ n: Int, threads: Int) -> Double {
        Threading.setCount(threads)
        let a = randomBuffer(n * n, seed: 1)
        let b = randomBuffer(n * n, seed: 2)
        var c = [Float](repeating: 0, count: n * n)
        let t = best(5) {
            c.withUnsafeMutableBufferPointer { pc in
                BLAS.gemm(transA: false, transB: false, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: pc.baseAddress!, ldc: n)
            }
        }
        return 2 * Double(n) * Double(n) * Double(n) / t / 1e9
    }

    /// One distinct ResNet-18-CIFAR convolution: (name, C, H, O, kernel, stride, occurrences).
    typealias Layer = (name: String, c: Int, h: Int, o: Int, k: Int, s: Int, count: Int, inputGrad: Bool)

    static let resnet18: [Layer] = [
        ("stem 3->64 3x3 32px", 3, 32, 64, 3, 1, 1, false),
        ("64->64 3x3 32px", 64, 32, 64, 3, 1, 4, true),
        ("64->128 3x3 s2 32px", 64, 32, 128, 3, 2, 1, true),
        ("64->128 1x1 s2 32px", 64, 32, 128, 1, 2, 1, true),
        ("128->128 3x3 16px", 128, 16, 128, 3, 1, 3, true),
        ("128->256 3x3 s2 16px", 128, 16, 256, 3, 2, 1, true),
        ("128->256 1x1 s2 16px", 128, 16, 256, 1, 2, 1, true),
        ("256->256 3x3 8px", 256, 8, 256, 3, 1, 3, true),
        ("256->512 3x3 s2 8px", 256, 8, 512, 3, 2, 1, true),
        ("256->512 1x1 s2 8px", 256, 8, 512, 1, 2, 1, true),
        ("512->512 3x3 4px", 512, 4, 512, 3, 1, 3, true),
    ]

    static func run(_ args: [String]) throws {
        if args.contains("--keep-heap") {
            // Experiment for the buffer-pool question: keep freed blocks in the malloc heap instead of
            // returning them with munmap (glibc's default for blocks over its mmap threshold).
            MemoryPolicy.raiseMmapAndTrimThresholds(to: 1 << 30)
            print("malloc: mmap and trim thresholds raised to 1 GiB (--keep-heap)")
        }
        if args.contains("--packed-gemm") {  // this comparison alone
            packedGEMMComparison(rounds: args.contains("--quick") ? 1 : 3)
            return
        }
        let batch = 128
        let peak1 = gemmPeak(2048, threads: 1)
        let peak2 = gemmPeak(2048, threads: 2)
        Threading.setCount(2)
        print(String(format: "sgemm 2048^3 peak: 1 thread %.1f GFLOP/s, 2 threads %.1f GFLOP/s", peak1, peak2))
        print("")
        print("conv2d NCHW im2col+sgemm, no bias (as in ResNet), batch \(batch), 2 threads (fraction of 2-thread sgemm peak);")
        print("bwd = dX + dW (stem: dW only, its input needs no gradient)")
        print(
            pad("layer", 24) + pad("fwd ms", 10) + pad("fwd GF/s", 10) + pad("fwd %", 8)
                + pad("bwd ms", 10) + pad("bwd GF/s", 10) + pad("bwd %", 8))
        // Several rounds over all layers, keeping each layer's best time, so a burst of load from
        // other processes on a shared machine does not decide the result.
        let rounds = args.contains("--quick") ? 1 : 3
        var tf = [Double](repeating: .infinity, count: resnet18.count)
        var tb = tf
        for _ in 0..<rounds {
            for (i, l) in resnet18.enumerated() {
                let (f, b) = timeLayer(l, batch: batch)
                tf[i] = min(tf[i], f)
                tb[i] = min(tb[i], b)
            }
        }
        // The fractions use the better of the peaks measured before and after the table.
        let peakAfter = gemmPeak(2048, threads: 2)
        Threading.setCount(2)
        let peak = max(peak2, peakAfter)
        var totalFlops = 0.0
        var totalTime = 0.0
        var fwdFlops = 0.0
        var fwdTime = 0.0
        for (i, l) in resnet18.enumerated() {
            let g = geometry(l, batch: batch)
            let ff = g.forwardFLOPs
            let fb = ff * (l.inputGrad ? 2 : 1)
            let rf = ff / tf[i] / 1e9
            let rb = fb / tb[i] / 1e9
            totalFlops += Double(l.count) * (ff + fb)
            totalTime += Double(l.count) * (tf[i] + tb[i])
            fwdFlops += Double(l.count) * ff
            fwdTime += Double(l.count) * tf[i]
            print(
                pad(l.name, 24) + pad(String(format: "%.1f", tf[i] * 1e3), 10) + pad(String(format: "%.1f", rf), 10)
                    + pad(String(format: "%.0f%%", 100 * rf / peak), 8)
                    + pad(String(format: "%.1f", tb[i] * 1e3), 10) + pad(String(format: "%.1f", rb), 10)
                    + pad(String(format: "%.0f%%", 100 * rb / peak), 8))
        }
        print(
            String(
                format:
                    "(sgemm 2-thread peak re-measured after the table: %.1f GFLOP/s; a big gap means a contended machine; fractions use the larger)",
                peakAfter))
        let total = totalFlops / totalTime / 1e9
        print(
            String(
                format:
                    "ResNet-18 convs (weighted by occurrence): fwd %.1f GFLOP/s (%.0f%%), fwd+bwd %.1f GFLOP/s = %.0f%% of 2-thread peak, %.2f s per batch",
                fwdFlops / fwdTime / 1e9, 100 * fwdFlops / fwdTime / 1e9 / peak, total, 100 * total / peak, totalTime))
        print("")
        try bandwidth()
        if args.contains("--layout") { layoutComparison() }
        if args.contains("--winograd") { winogradComparison(batch: batch, rounds: rounds) }
        if args.contains("--tune") { tuneBlockColumns() }
    }

    static func geometry(_ l: Layer, batch: Int) -> ConvolutionGeometry {
        let p = l.k == 3 ? 1 : 0
        return ConvolutionGeometry(
            batch: batch, inputChannels: l.c, height: l.h, width: l.h, outputChannels: l.o,
            kernelHeight: l.k, kernelWidth: l.k, strideH: l.s, strideW: l.s, padH: p, padW: p)
    }

    /// Best-of-2 seconds of one forward and one backward pass (dX only where the layer needs it).
    static func timeLayer(_ l: Layer, batch: Int, winograd: Bool = false) -> (Double, Double) {
        let g = geometry(l, batch: batch)
        let x = randomBuffer(batch * l.c * l.h * l.h, seed: 3)
        let w = randomBuffer(l.o * l.c * l.k * l.k, seed: 4)
        let ohw = g.outputHeight * g.outputWidth
        var y = [Float](repeating: 0, count: batch * l.o * ohw)
        let gy = randomBuffer(batch * l.o * ohw, seed: 6)
        var gx = [Float](repeating: 0, count: x.count)
        var gw = [Float](repeating: 0, count: w.count)
        let tf = best(2) {
            y.withUnsafeMutableBufferPointer { py in
                if winograd {
                    Convolution.winogradForward(g, input: x, weight: w, bias: nil, output: py.baseAddress!)
                } else {
                    Convolution.forward(g, input: x, weight: w, bias: nil, output: py.baseAddress!)
                }
            }
        }
        let tb = best(2) {
            gx.withUnsafeMutableBufferPointer { px in
                gw.withUnsafeMutableBufferPointer { pw in
                    if winograd {
                        Convolution.winogradBackward(
                            g, input: x, weight: w, gradOutput: gy, gradInput: l.inputGrad ? px.baseAddress! : nil,
                            gradWeight: pw.baseAddress!, gradBias: nil)
                    } else {
                        Convolution.backward(
                            g, input: x, weight: w, gradOutput: gy, gradInput: l.inputGrad ? px.baseAddress! : nil,
                            gradWeight: pw.baseAddress!, gradBias: nil)
                    }
                }
            }
        }
        return (tf, tb)
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }

    /// Elementwise and batch-norm bandwidth on a ResNet-sized activation `[128, 64, 32, 32]`.
    static func bandwidth() throws {
        let shape: Shape = [128, 64, 32, 32]
        let n = Double(shape.count)
        let a = Tensor(shape: shape, scalars: randomBuffer(shape.count, seed: 7))
        let b = Tensor(shape: shape, scalars: randomBuffer(shape.count, seed: 8))
        var sink = 0.0
        func report(_ name: String, bytes: Double, _ t: Double) {
            print(pad(name, 40) + String(format: "%7.2f ms  %6.1f GB/s", t * 1e3, bytes / t / 1e9))
        }
        print("memory-bound kernels on [128, 64, 32, 32] (bytes = minimal traffic: each tensor read or written once per pass)")
        report(
            "copy into a new tensor (ceiling)", bytes: 8 * n,
            best(3) {
                let t = a.withUnsafeBufferPointer { src in
                    Tensor(shape: shape) { dst in
                        let s = SendablePointer(src.baseAddress!)
                        let d = SendablePointer(dst.baseAddress!)
                        let count = shape.count
                        parallelFor(count, grain: 1 << 16) { r in (d.base + r.lowerBound).update(from: s.base + r.lowerBound, count: r.count) }
                    }
                }
                sink += Double(t.count)
            })
        var warm = Tensor(zeros: shape)
        report(
            "copy into an existing buffer", bytes: 8 * n,
            best(3) {
                a.withUnsafeBufferPointer { src in
                    warm.withUnsafeMutableBufferPointer { dst in
                        let s = SendablePointer(src.baseAddress!)
                        let d = SendablePointer(dst.baseAddress!)
                        let count = shape.count
                        parallelFor(count, grain: 1 << 16) { r in (d.base + r.lowerBound).update(from: s.base + r.lowerBound, count: r.count) }
                    }
                }
            })
        report("add (read 2, write 1)", bytes: 12 * n, best(3) { sink += Double((a + b).count) })
        report("relu (read 1, write 1)", bytes: 8 * n, best(3) { sink += Double(a.relu().count) })
        let scale = Tensor(repeating: 1, shape: [64])
        let shift = Tensor(zeros: [64])
        var rm = Tensor(zeros: [64])
        var rv = Tensor(repeating: 1, shape: [64])
        report(
            "batchNorm fwd train (read x 2x, write y)", bytes: 12 * n,
            best(3) {
                sink += Double(Tensor.batchNorm(a, scale: scale, shift: shift, runningMean: &rm, runningVariance: &rv, training: true).count)
            })
        report(
            "batchNorm fwd eval (read x, write y)", bytes: 8 * n,
            best(3) {
                sink += Double(Tensor.batchNorm(a, scale: scale, shift: shift, runningMean: &rm, runningVariance: &rv, training: false).count)
            })
        let tb = best(3) {
            let tape = Tape()
            let x = tape.watch(a)
            let y = Tensor.batchNorm(x, scale: scale, shift: shift, runningMean: &rm, runningVariance: &rv, training: true)
            sink += Double(tape.gradients(of: y, wrt: [x], seed: b)[0].count)
        }
        let tfw = best(3) {
            sink += Double(Tensor.batchNorm(a, scale: scale, shift: shift, runningMean: &rm, runningVariance: &rv, training: true).count)
        }
        report("batchNorm bwd train (read x,dy 2x, write dx)", bytes: 20 * n, max(tb - tfw, 1e-9))
        if sink < 0 { print(sink) }
    }

    /// Sweeps the GEMM block width over a few layers (fwd+bwd GFLOP/s) and the plain GEMM of the same shape.
    static func tuneBlockColumns() {
        print("")
        print("block-width sweep, batch 128, fwd+bwd GFLOP/s")
        for l in resnet18
        where l.name.hasPrefix("64->64") || l.name.hasPrefix("256->256") || l.name.hasPrefix("512") || l.name.hasPrefix("128->256 1x1") {
            let p = l.k == 3 ? 1 : 0
            let g = ConvolutionGeometry(
                batch: 128, inputChannels: l.c, height: l.h, width: l.h, outputChannels: l.o,
                kernelHeight: l.k, kernelWidth: l.k, strideH: l.s, strideW: l.s, padH: p, padW: p)
            let x = randomBuffer(128 * l.c * l.h * l.h, seed: 3)
            let w = randomBuffer(l.o * l.c * l.k * l.k, seed: 4)
            let ohw = g.outputHeight * g.outputWidth
            var y = [Float](repeating: 0, count: 128 * l.o * ohw)
            var gx = [Float](repeating: 0, count: x.count)
            var gw = [Float](repeating: 0, count: w.count)
            var line = pad(l.name, 24)
            for cols in [512, 1024, 2048, 4096, 8192] {
                let tf = best(1) {
                    y.withUnsafeMutableBufferPointer {
                        Convolution.forward(g, input: x, weight: w, bias: nil, output: $0.baseAddress!, blockColumns: cols)
                    }
                }
                let tb = best(1) {
                    gx.withUnsafeMutableBufferPointer { px in
                        gw.withUnsafeMutableBufferPointer { pw in
                            Convolution.backward(
                                g, input: x, weight: w, gradOutput: y, gradInput: px.baseAddress!, gradWeight: pw.baseAddress!,
                                gradBias: nil, blockColumns: cols)
                        }
                    }
                }
                line += String(format: "%d: %.0f/%.0f  ", cols, g.forwardFLOPs / tf / 1e9, 2 * g.forwardFLOPs / tb / 1e9)
            }
            // The forward GEMMs alone (same shapes, no im2col), as the ceiling of this scheme.
            let block = Convolution.imagesPerBlock(g)
            let cols = block * ohw
            let col = randomBuffer(g.columnRows * cols, seed: 11)
            var out = [Float](repeating: 0, count: l.o * cols)
            let blocks = (128 + block - 1) / block
            let tg = best(2) {
                out.withUnsafeMutableBufferPointer { po in
                    for _ in 0..<blocks {
                        BLAS.gemm(
                            transA: false, transB: false, m: l.o, n: cols, k: g.columnRows, a: w, lda: g.columnRows,
                            b: col, ldb: cols, c: po.baseAddress!, ldc: cols)
                    }
                }
            }
            line += String(format: " | fwd GEMMs alone %.0f", g.forwardFLOPs * Double(blocks * block) / 128 / tg / 1e9)
            print(line)
        }
    }

    /// NCHW (im2col + sgemm) against NHWC (implicit-im2col over contiguous channels + sgemm) for the
    /// forward 3x3 convolution at two shapes.
    /// im2col + SGEMM against Winograd F(4, 3) on each 3x3 stride-1 ResNet-18-CIFAR layer: rounds alternate
    /// the two, each keeps its best time; ratios are im2col time / Winograd time (above 1: Winograd faster).
    static func winogradComparison(batch: Int, rounds: Int) {
        print("")
        print("Winograd F(4x4, 3x3) against im2col + sgemm, batch \(batch), 2 threads, best of \(rounds) alternating rounds")
        print(
            pad("layer", 24) + pad("im2col fwd ms", 15) + pad("wino fwd ms", 13) + pad("fwd x", 8) + pad("im2col bwd ms", 15) + pad("wino bwd ms", 13)
                + "bwd x")
        let layers = resnet18.filter { Convolution.winogradSupports(geometry($0, batch: batch)) }
        var im2col = [(Double, Double)](repeating: (.infinity, .infinity), count: layers.count)
        var wino = im2col
        for _ in 0..<rounds {
            for (i, l) in layers.enumerated() {
                let a = timeLayer(l, batch: batch)
                let b = timeLayer(l, batch: batch, winograd: true)
                im2col[i] = (min(im2col[i].0, a.0), min(im2col[i].1, a.1))
                wino[i] = (min(wino[i].0, b.0), min(wino[i].1, b.1))
            }
        }
        for (i, l) in layers.enumerated() {
            let (a, b) = (im2col[i], wino[i])
            print(
                pad(l.name, 24) + pad(String(format: "%.1f", a.0 * 1e3), 15) + pad(String(format: "%.1f", b.0 * 1e3), 13)
                    + pad(String(format: "%.2f", a.0 / b.0), 8) + pad(String(format: "%.1f", a.1 * 1e3), 15)
                    + pad(String(format: "%.1f", b.1 * 1e3), 13) + String(format: "%.2f", a.1 / b.1))
        }
    }

    static func layoutComparison() {
        print("")
        print("layout comparison, forward 3x3 pad 1, batch 128, 2 threads")
        for (c, h, o) in [(64, 32, 64), (256, 8, 256)] {
            let g = ConvolutionGeometry(
                batch: 128, inputChannels: c, height: h, width: h, outputChannels: o,
                kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1)
            let x = randomBuffer(128 * c * h * h, seed: 9)
            let w = randomBuffer(o * c * 9, seed: 10)
            var y = [Float](repeating: 0, count: 128 * o * h * h)
            let tn = best(2) { y.withUnsafeMutableBufferPointer { Convolution.forward(g, input: x, weight: w, bias: nil, output: $0.baseAddress!) } }
            let th = best(2) { y.withUnsafeMutableBufferPointer { ConvolutionNHWC.forward(g, input: x, weight: w, output: $0.baseAddress!) } }
            print(
                String(
                    format: "C=%d %dx%d O=%d: NCHW %.1f GFLOP/s, NHWC %.1f GFLOP/s", c, h, h, o,
                    g.forwardFLOPs / tn / 1e9, g.forwardFLOPs / th / 1e9))
        }
    }
}
