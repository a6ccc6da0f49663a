import Support

/// 2-D max and average pooling over NCHW planes (PyTorch semantics, floor mode). The geometry's
/// channel counts are equal (C = O) and weights are unused; each (image, channel) plane is one task.
public enum Pooling {
    /// Max pooling: `output[N, C, OH, OW]` and the flat in-plane index of each maximum (`argmax`);
    /// padding counts as −∞. A window entirely in padding yields −∞ and index −1.
    public static func maxForward(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>
    ) {
        let src = SendablePointer(input)
        let dst = SendablePointer(output)
        let idx = SendablePointer(argmax)
        forEachPlane(g) { p, hw, ohw in
            let plane = src.base + p * hw
            forEachWindow(g) { o, taps in
                var best = -Float.infinity
                var at: Int32 = -1
                taps { i in
                    let v = plane[i]
                    if v > best || at < 0 || v.isNaN {
                        best = v
                        at = Int32(i)
                    }
                }
                dst.base[p * ohw + o] = best
                idx.base[p * ohw + o] = at
            }
        }
    }

    /// Max pooling backward: `gradInput` (overwritten) receives each output gradient at its argmax.
    public static func maxBackward(
        _ g: ConvolutionGeometry, gradOutput: UnsafePointer<Float>, argmax: UnsafePointer<Int32>,
        gradInput: UnsafeMutablePointer<Float>
    ) {
        let gy = SendablePointer(gradOutput)
        let idx = SendablePointer(argmax)
        let gx = SendablePointer(gradInput)
        forEachPlane(g) { p, hw, ohw in
            let plane = gx.base + p * hw
            plane.update(repeating: 0, count: hw)
            for i in 0..<ohw {
                let at = Int(idx[p * ohw + i])
                if at >= 0 { plane[at] += gy[p * ohw + i] }
            }
        }
    }

    /// Average pooling with zero padding counted in the divisor (PyTorch `count_include_pad=True`):
    /// every window divides by KH·KW.
    public static func averageForward(_ g: ConvolutionGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(g.kernelHeight * g.kernelWidth)
        let src = SendablePointer(input)
        let dst = SendablePointer(output)
        forEachPlane(g) { p, hw, ohw in
            let plane = src.base + p * hw
            forEachWindow(g) { o, taps in
                var s: Float = 0
                taps { i in s += plane[i] }
                dst.base[p * ohw + o] = s * scale
            }
        }
    }

    /// Average pooling backward: `gradInput` (overwritten).
    public static func averageBackward(_ g: ConvolutionGeometry, gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(g.kernelHeight * g.kernelWidth)
        let gy = SendablePointer(gradOutput)
        let gx = SendablePointer(gradInput)
        forEachPlane(g) { p, hw, ohw in
            let plane = gx.base + p * hw
            plane.update(repeating: 0, count: hw)
            forEachWindow(g) { o, taps in
                let v = gy.base[p * ohw + o] * scale
                taps { i in plane[i] += v }
            }
        }
    }

    /// Runs `body(plane, H·W, OH·OW)` for every (image, channel) plane, planes split over threads.
    @inline(__always)
    private static func forEachPlane(_ g: ConvolutionGeometry, _ body: @Sendable (Int, Int, Int) -> Void) {
        let hw = g.height * g.width
        let ohw = g.outputHeight * g.outputWidth
        parallelFor(g.batch * g.inputChannels, grain: max(1, 4096 / max(hw, 1))) { range in
            for p in range { body(p, hw, ohw) }
        }
    }

    /// Runs `body(o, taps)` for every output position `o = y·OW + x` of one plane; `taps(visit)` calls
    /// `visit` with the in-plane index of each window tap inside the image (`ConvolutionGeometry.forEachTap`).
    @inline(__always)
    private static func forEachWindow(_ g: ConvolutionGeometry, _ body: (Int, (_ visit: (Int) -> Void) -> Void) -> Void) {
        for y in 0..<g.outputHeight {
            for x in 0..<g.outputWidth {
                body(y * g.outputWidth + x) { visit in g.forEachTap(y: y, x: x) { _, i in visit(i) } }
            }
        }
    }
}
