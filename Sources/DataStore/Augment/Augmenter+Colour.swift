extension Augmenter {
    /// A colour op of a view, in application order.
    enum ColourOp {
        case brightness, contrast, saturation, hue, grayscale, blur, solarize
    }

    /// Calls `body` with each colour op that changes view `p` (identity parameters are skipped), in
    /// torchvision order: the jitter ops in the drawn order, grayscale, blur, solarize.
    func forEachColourOp(_ p: ViewParams, _ C: Int, _ body: (ColourOp) -> Void) {
        if p.jittered {
            for slot in 0..<4 {
                switch Int((p.jitterOrder >> (4 * UInt16(slot))) & 0xF) {
                case 0 where p.brightness != 1: body(.brightness)
                case 1 where p.contrast != 1: body(.contrast)
                case 2 where p.saturation != 1 && C == 3: body(.saturation)
                case 3 where p.hue != 0 && C == 3: body(.hue)
                default: break
                }
            }
        }
        if p.grayscale && C == 3 { body(.grayscale) }
        if p.blurSigma > 0 { body(.blur) }
        if p.solarized { body(.solarize) }
    }

    /// Colour ops on the planar Float view `x` (values in [0, 1], `C` planes of `n` pixels), then
    /// normalisation into `out` (CHW). Every op is one vectorised pass over the view, which stays in
    /// L1 for small views; the last pointwise op writes the normalised output directly.
    func colourAndWrite(
        _ x: UnsafeMutablePointer<Float>, _ C: Int, _ p: ViewParams, mean: [Float], std: [Float],
        _ out: UnsafeMutablePointer<Float>
    ) {
        let n = p.outHeight * p.outWidth
        var m = SIMD4<Float>()
        var inv = SIMD4<Float>()
        for c in 0..<C {
            m[c] = mean[mean.count == 1 ? 0 : c]
            inv[c] = 1 / std[std.count == 1 ? 0 : c]
        }
        let norm = PlaneSink(out: out, mean: m, invStd: inv)
        var count = 0
        var last: ColourOp? = nil
        forEachColourOp(p, C) { op in
            count += 1
            last = op
        }
        var k = 0
        forEachColourOp(p, C) { op in
            k += 1
            let sink = k == count && op != .blur ? norm : nil
            switch op {
            case .brightness: ColorOps.affine(x, pixels: n, channels: C, p.brightness, 0, sink: sink)
            case .contrast:
                let mean = ColorOps.grayMean(x, pixels: n, channels: C)
                ColorOps.affine(x, pixels: n, channels: C, p.contrast, (1 - p.contrast) * mean, sink: sink)
            case .saturation: ColorOps.saturate(x, pixels: n, by: p.saturation, sink: sink)
            case .hue: ColorOps.shiftHue(x, pixels: n, by: p.hue, sink: sink)
            case .grayscale: ColorOps.grayscale(x, pixels: n, sink: sink)
            case .blur:
                for c in 0..<C {
                    ColorOps.gaussianBlur(x + c * n, height: p.outHeight, width: p.outWidth, kernel: p.blurKernel, sigma: p.blurSigma)
                }
            case .solarize: ColorOps.solarize(x, pixels: n, channels: C, threshold: p.solarizeThreshold, sink: sink)
            }
        }
        if last == nil || last == .blur { ColorOps.normalise(x, pixels: n, channels: C, into: norm) }
    }
}
