import Foundation

/// Applies a `ViewParams` to a uint8 HWC image, writing normalised Float CHW output. One per worker
/// thread: all scratch buffers are reused, so rendering allocates nothing once warmed up.
/// Geometry (crop, antialiased bilinear resize, flip) runs on uint8 input and rounds to uint8, as
/// Pillow does; per-channel colour ops (brightness, contrast, solarize, normalise) then run as a
/// 256-entry lookup table per channel, switching to per-pixel Float math only for the ops that mix
/// channels or neighbours (saturation, hue, grayscale, blur).
public final class Augmenter {
    private var tapsX = ResampleTaps()
    private var tapsY = ResampleTaps()
    private var tmp: [Float] = []
    private var line: [Float] = []
    private var u8: [UInt8] = []
    private var fpix: [Float] = []
    private var lut = [Float](repeating: 0, count: 3 * 256)
    private var hist = [Int](repeating: 0, count: 3 * 256)

    /// An augmenter with empty scratch.
    public init() {}

    /// Renders one view of `src` ([height, width, channels] uint8) with `params` into `out`
    /// ([channels, outHeight, outWidth] Float), normalised by `mean`/`std` (one value or one per channel).
    public func render(src: UnsafePointer<UInt8>, height H: Int, width W: Int, channels C: Int, params p: ViewParams,
                       mean: [Float], std: [Float], into out: UnsafeMutablePointer<Float>) throws {
        guard p.srcHeight == H, p.srcWidth == W, p.outHeight > 0, p.outWidth > 0, C == 1 || C == 3 else {
            throw StoreError.invalidArgument("view parameters are for a \(p.srcHeight)x\(p.srcWidth) image, got \(H)x\(W)x\(C)")
        }
        if p.resampled {
            guard p.top >= 0, p.left >= 0, p.height > 0, p.width > 0, p.top + p.height <= H, p.left + p.width <= W else {
                throw StoreError.invalidArgument("crop box (\(p.top), \(p.left), \(p.height), \(p.width)) outside a \(H)x\(W) image")
            }
        }
        let oh = p.outHeight, ow = p.outWidth, n = oh * ow
        if u8.count < n * C { u8 = [UInt8](repeating: 0, count: n * C) }
        if p.resampled { resample(src, H, W, C, p) } else { copyCrop(src, H, W, C, p) }
        try colourAndWrite(C, p, mean: mean, std: std, out)
    }

    private func copyCrop(_ src: UnsafePointer<UInt8>, _ H: Int, _ W: Int, _ C: Int, _ p: ViewParams) {
        let oh = p.outHeight, ow = p.outWidth
        u8.withUnsafeMutableBufferPointer { dst in
            for oy in 0..<oh {
                let sy = p.top + oy
                for ox in 0..<ow {
                    let sx = p.left + (p.flipped ? ow - 1 - ox : ox)
                    let d = (oy * ow + ox) * C
                    if sy < 0 || sy >= H || sx < 0 || sx >= W {
                        for c in 0..<C { dst[d + c] = 0 }
                    } else {
                        let s = (sy * W + sx) * C
                        for c in 0..<C { dst[d + c] = src[s + c] }
                    }
                }
            }
        }
    }

    private func resample(_ src: UnsafePointer<UInt8>, _ H: Int, _ W: Int, _ C: Int, _ p: ViewParams) {
        let oh = p.outHeight, ow = p.outWidth, bh = p.height
        tapsX.compute(inSize: p.width, outSize: ow)
        tapsY.compute(inSize: bh, outSize: oh)
        // Only the box rows that some output row reads.
        let y0 = Int(tapsY.start[0]), y1 = Int(tapsY.start[oh - 1] + tapsY.count[oh - 1])
        let rowLen = ow * C
        if tmp.count < (y1 - y0) * rowLen { tmp = [Float](repeating: 0, count: (y1 - y0) * rowLen) }
        if line.count < rowLen { line = [Float](repeating: 0, count: rowLen) }
        let kx = tapsX.kmax, ky = tapsY.kmax
        tmp.withUnsafeMutableBufferPointer { t in
            tapsX.start.withUnsafeBufferPointer { xs in
            tapsX.count.withUnsafeBufferPointer { xc in
            tapsX.weights.withUnsafeBufferPointer { xw in
                for y in y0..<y1 {
                    let row = src + ((p.top + y) * W + p.left) * C
                    let trow = t.baseAddress! + (y - y0) * rowLen
                    for ox in 0..<ow {
                        let dx = p.flipped ? ow - 1 - ox : ox
                        let s = Int(xs[ox]), m = Int(xc[ox])
                        let w = xw.baseAddress! + ox * kx
                        if C == 1 {
                            var a: Float = 0
                            for k in 0..<m { a += w[k] * Float(row[s + k]) }
                            trow[dx] = a
                        } else {
                            var a0: Float = 0, a1: Float = 0, a2: Float = 0
                            var q = row + s * 3
                            for k in 0..<m {
                                let wk = w[k]
                                a0 += wk * Float(q[0]); a1 += wk * Float(q[1]); a2 += wk * Float(q[2])
                                q += 3
                            }
                            trow[dx * 3] = a0; trow[dx * 3 + 1] = a1; trow[dx * 3 + 2] = a2
                        }
                    }
                }
            }}}
        }
        tmp.withUnsafeBufferPointer { t in
        line.withUnsafeMutableBufferPointer { l in
        u8.withUnsafeMutableBufferPointer { o in
        tapsY.start.withUnsafeBufferPointer { ys in
        tapsY.count.withUnsafeBufferPointer { yc in
        tapsY.weights.withUnsafeBufferPointer { yw in
            let lp = l.baseAddress!
            for oy in 0..<oh {
                let s = Int(ys[oy]) - y0, m = Int(yc[oy])
                let w = yw.baseAddress! + oy * ky
                var r = t.baseAddress! + s * rowLen
                let w0 = w[0]
                for i in 0..<rowLen { lp[i] = w0 * r[i] }
                if m > 1 {
                    for k in 1..<m {
                        r += rowLen
                        let wk = w[k]
                        for i in 0..<rowLen { lp[i] += wk * r[i] }
                    }
                }
                let dst = o.baseAddress! + oy * rowLen
                for i in 0..<rowLen { dst[i] = UInt8(min(max(lp[i] + 0.5, 0), 255)) }
            }
        }}}}}}
    }

    private func colourAndWrite(_ C: Int, _ p: ViewParams, mean: [Float], std: [Float],
                                _ out: UnsafeMutablePointer<Float>) throws {
        let n = p.outHeight * p.outWidth
        var floatMode = false
        var histReady = false
        let weights: [Float] = C == 1 ? [1] : [0.2989, 0.587, 0.114]
        for c in 0..<C { for v in 0..<256 { lut[c * 256 + v] = Float(v) * (1 / 255) } }

        func toFloat() {
            if floatMode { return }
            floatMode = true
            if fpix.count < n * C { fpix = [Float](repeating: 0, count: n * C) }
            u8.withUnsafeBufferPointer { u in lut.withUnsafeBufferPointer { l in fpix.withUnsafeMutableBufferPointer { f in
                if C == 1 { for i in 0..<n { f[i] = l[Int(u[i])] } } else {
                    for i in 0..<n {
                        f[3 * i] = l[Int(u[3 * i])]; f[3 * i + 1] = l[256 + Int(u[3 * i + 1])]; f[3 * i + 2] = l[512 + Int(u[3 * i + 2])]
                    }
                }
            }}}
        }
        func affine(_ a: Float, _ b: Float) {
            if floatMode {
                fpix.withUnsafeMutableBufferPointer { f in for i in 0..<(n * C) { f[i] = min(max(a * f[i] + b, 0), 1) } }
            } else {
                for i in 0..<(C * 256) { lut[i] = min(max(a * lut[i] + b, 0), 1) }
            }
        }
        func grayMean() -> Float {
            if floatMode {
                return fpix.withUnsafeBufferPointer { f in
                    var s: Double = 0
                    if C == 1 { for i in 0..<n { s += Double(f[i]) } } else {
                        for i in 0..<n { s += Double(0.2989 * f[3 * i] + 0.587 * f[3 * i + 1] + 0.114 * f[3 * i + 2]) }
                    }
                    return Float(s / Double(n))
                }
            }
            if !histReady {
                histReady = true
                for i in 0..<(C * 256) { hist[i] = 0 }
                u8.withUnsafeBufferPointer { u in hist.withUnsafeMutableBufferPointer { h in
                    for i in 0..<n { for c in 0..<C { h[c * 256 + Int(u[i * C + c])] += 1 } }
                }}
            }
            var s: Double = 0
            for c in 0..<C { for v in 0..<256 { s += Double(weights[c]) * Double(hist[c * 256 + v]) * Double(lut[c * 256 + v]) } }
            return Float(s / Double(n))
        }

        if p.jittered {
            for slot in 0..<4 {
                let op = Int((p.jitterOrder >> (4 * UInt16(slot))) & 0xF)
                switch op {
                case 0 where p.brightness != 1: affine(p.brightness, 0)
                case 1 where p.contrast != 1:
                    let m = grayMean()
                    affine(p.contrast, (1 - p.contrast) * m)
                case 2 where p.saturation != 1 && C == 3:
                    toFloat()
                    let f = p.saturation
                    fpix.withUnsafeMutableBufferPointer { x in
                        for i in 0..<n {
                            let g = (1 - f) * (0.2989 * x[3 * i] + 0.587 * x[3 * i + 1] + 0.114 * x[3 * i + 2])
                            for c in 0..<3 { x[3 * i + c] = min(max(f * x[3 * i + c] + g, 0), 1) }
                        }
                    }
                case 3 where p.hue != 0 && C == 3:
                    toFloat()
                    fpix.withUnsafeMutableBufferPointer { x in ColorOps.shiftHue(x.baseAddress!, pixels: n, by: p.hue) }
                default: break
                }
            }
        }
        if p.grayscale && C == 3 {
            toFloat()
            fpix.withUnsafeMutableBufferPointer { x in
                for i in 0..<n {
                    let g = 0.2989 * x[3 * i] + 0.587 * x[3 * i + 1] + 0.114 * x[3 * i + 2]
                    x[3 * i] = g; x[3 * i + 1] = g; x[3 * i + 2] = g
                }
            }
        }
        if p.blurSigma > 0 {
            toFloat()
            fpix.withUnsafeMutableBufferPointer { x in
                ColorOps.gaussianBlur(x.baseAddress!, height: p.outHeight, width: p.outWidth, channels: C,
                                      kernel: p.blurKernel, sigma: p.blurSigma)
            }
        }
        if p.solarized {
            let t = p.solarizeThreshold
            if floatMode {
                fpix.withUnsafeMutableBufferPointer { f in for i in 0..<(n * C) where f[i] >= t { f[i] = 1 - f[i] } }
            } else {
                for i in 0..<(C * 256) where lut[i] >= t { lut[i] = 1 - lut[i] }
            }
        }
        // Normalise and write CHW.
        guard mean.count == 1 || mean.count == C, std.count == 1 || std.count == C, !std.contains(0) else {
            throw StoreError.invalidArgument("normalisation needs 1 or \(C) means/stds (non-zero std), got \(mean.count)/\(std.count)")
        }
        for c in 0..<C {
            let m = mean[mean.count == 1 ? 0 : c], inv = 1 / std[std.count == 1 ? 0 : c]
            if floatMode {
                fpix.withUnsafeBufferPointer { f in
                    let o = out + c * n
                    for i in 0..<n { o[i] = (f[i * C + c] - m) * inv }
                }
            } else {
                for v in 0..<256 { lut[c * 256 + v] = (lut[c * 256 + v] - m) * inv }
                u8.withUnsafeBufferPointer { u in lut.withUnsafeBufferPointer { l in
                    let o = out + c * n
                    let lc = l.baseAddress! + c * 256
                    if C == 1 { for i in 0..<n { o[i] = lc[Int(u[i])] } } else {
                        for i in 0..<n { o[i] = lc[Int(u[i * 3 + c])] }
                    }
                }}
            }
        }
    }
}
