import Foundation

/// Per-pixel colour and neighbourhood ops on planar Float images in [0, 1] (torchvision tensor
/// semantics). The loops are plain scalar loops over buffer pointers with no calls or branches, so
/// LLVM vectorises them under -O; `lo`/`hi` are written as `a < b ? a : b` / `a > b ? a : b`, the
/// exact semantics of SSE `minps`/`maxps` (Swift's `max` is `y >= x ? y : x`, which needs a compare
/// and a blend per lane instead).
enum ColorOps {
    /// min(a, b) as one `minps` lane.
    @inline(__always) static func lo(_ a: Float, _ b: Float) -> Float { a < b ? a : b }
    /// max(a, b) as one `maxps` lane.
    @inline(__always) static func hi(_ a: Float, _ b: Float) -> Float { a > b ? a : b }
    /// Clamp to [0, 1].
    @inline(__always) static func unit(_ a: Float) -> Float { lo(hi(a, 0), 1) }

    /// x = clamp(a x + b, 0, 1) over `count` values (brightness: b = 0; contrast: b = (1 - a) mean).
    static func affine(_ x: UnsafeMutablePointer<Float>, count: Int, _ a: Float, _ b: Float) {
        for i in 0..<count { x[i] = unit(a * x[i] + b) }
    }

    /// Mean of the grayscale image (0.2989 R + 0.587 G + 0.114 B, or the only channel) of planar
    /// `x` with `n` pixels per channel. Four SIMD4 accumulators per channel: a serial float sum does
    /// not vectorise.
    static func grayMean(_ x: UnsafePointer<Float>, pixels n: Int, channels C: Int) -> Float {
        var s: Float = 0
        for c in 0..<C {
            let fc = UnsafeRawPointer(x + c * n)
            var a0 = SIMD4<Float>(), a1 = SIMD4<Float>(), a2 = SIMD4<Float>(), a3 = SIMD4<Float>()
            var i = 0
            while i + 16 <= n {
                a0 += fc.loadUnaligned(fromByteOffset: 4 * i, as: SIMD4<Float>.self)
                a1 += fc.loadUnaligned(fromByteOffset: 4 * i + 16, as: SIMD4<Float>.self)
                a2 += fc.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD4<Float>.self)
                a3 += fc.loadUnaligned(fromByteOffset: 4 * i + 48, as: SIMD4<Float>.self)
                i += 16
            }
            var sc = ((a0 + a1) + (a2 + a3)).sum()
            while i < n { sc += x[c * n + i]; i += 1 }
            s += (C == 1 ? 1 : (c == 0 ? 0.2989 : (c == 1 ? 0.587 : 0.114))) * sc
        }
        return s / Float(n)
    }

    /// torchvision `adjust_saturation`: blend with the grayscale image, clamped.
    static func saturate(_ x: UnsafeMutablePointer<Float>, pixels n: Int, by f: Float) {
        let r = x, g = x + n, b = x + 2 * n
        let k = 1 - f
        for i in 0..<n {
            let gray = k * (0.2989 * r[i] + 0.587 * g[i] + 0.114 * b[i])
            r[i] = unit(f * r[i] + gray)
            g[i] = unit(f * g[i] + gray)
            b[i] = unit(f * b[i] + gray)
        }
    }

    /// torchvision `rgb_to_grayscale` kept as 3 equal channels.
    static func grayscale(_ x: UnsafeMutablePointer<Float>, pixels n: Int) {
        let r = x, g = x + n, b = x + 2 * n
        for i in 0..<n {
            let v = 0.2989 * r[i] + 0.587 * g[i] + 0.114 * b[i]
            r[i] = v; g[i] = v; b[i] = v
        }
    }

    /// Solarize: x >= t becomes 1 - x.
    static func solarize(_ x: UnsafeMutablePointer<Float>, count: Int, threshold t: Float) {
        for i in 0..<count { let v = x[i]; x[i] = v >= t ? 1 - v : v }
    }

    /// Normalisation of one plane into the output: o = (x - m) * inv.
    static func normalise(_ x: UnsafePointer<Float>, count: Int, mean m: Float, invStd inv: Float, into o: UnsafeMutablePointer<Float>) {
        for i in 0..<count { o[i] = (x[i] - m) * inv }
    }

    /// torchvision `adjust_hue`: RGB -> HSV, h = (h + shift) mod 1, HSV -> RGB, on the planar R, G, B
    /// planes of `pixels` each. Branch-free: with h in sextants (6 h in [0, 6)), V = max and
    /// V S = max - min = cr, torchvision's `_hsv2rgb` is c = V - cr clamp(t_c, 0, 1) with
    /// t_R = 2 - |h - 3|, t_G = max(1 - h, 2 - |h - 5|), t_B = max(2 - |h - 1|, h - 5) (the
    /// trapezoids clamp(min(k, 4 - k), 0, 1) at k = (5, 3, 1 + h) mod 6 unrolled over h), computed
    /// as clamp(V - cr t_c, min, V), which is the same value and needs no constant clamps.
    /// The sextant offsets (0, 2, 4 for R, G, B maximal) plus 6 shift are pre-wrapped into [1, 7),
    /// so h = offset + (difference / cr) lies in [0, 8) and one conditional subtraction wraps it.
    static func shiftHue(_ x: UnsafeMutablePointer<Float>, pixels n: Int, by shift: Float) {
        let pr = x, pg = x + n, pb = x + 2 * n
        func wrapped(_ v: Float) -> Float {
            var w = v.truncatingRemainder(dividingBy: 6)
            if w < 1 { w += 6 }
            if w >= 7 { w -= 6 }
            return w
        }
        let s0 = wrapped(shift * 6), s2 = wrapped(2 + shift * 6), s4 = wrapped(4 + shift * 6)
        for i in 0..<n {
            let r = pr[i], g = pg[i], b = pb[i]
            let mx = hi(r, hi(g, b)), mn = lo(r, lo(g, b))
            let cr = mx - mn
            // cr = 0 makes the numerator 0 (h = any), and the output mx: the 1e-30 only avoids 0 * inf.
            let inv = 1 / hi(cr, 1e-30)
            let isR = mx == r, isG = mx == g
            let num = isR ? g - b : (isG ? b - r : r - g)
            let off = isR ? s0 : (isG ? s2 : s4)
            var h = num * inv + off
            h = h >= 6 ? h - 6 : h
            let tr = 2 - abs(h - 3)
            let tg = hi(1 - h, 2 - abs(h - 5))
            let tb = hi(2 - abs(h - 1), h - 5)
            pr[i] = lo(hi(mx - cr * tr, mn), mx)
            pg[i] = lo(hi(mx - cr * tg, mn), mx)
            pb[i] = lo(hi(mx - cr * tb, mn), mx)
        }
    }

    /// torchvision `gaussian_blur`: separable kernel exp(-x^2 / 2 sigma^2) over x in
    /// [-(k-1)/2, (k-1)/2], normalised, reflect padding; in place on one [H, W] plane.
    static func gaussianBlur(_ x: UnsafeMutablePointer<Float>, height H: Int, width W: Int, kernel k: Int, sigma: Float) {
        let half = (k - 1) / 2
        var w = [Float](repeating: 0, count: k)
        var total: Float = 0
        for i in 0..<k {
            let t = (Float(i) - Float(k - 1) / 2) / sigma
            w[i] = exp(-0.5 * t * t); total += w[i]
        }
        for i in 0..<k { w[i] /= total }
        func reflect(_ i: Int, _ n: Int) -> Int {
            if n == 1 { return 0 }
            var j = i
            while j < 0 || j >= n { j = j < 0 ? -j : 2 * (n - 1) - j }
            return j
        }
        var tmp = [Float](repeating: 0, count: H * W)
        // Reflected source index per output position and tap, for rows and columns.
        let colIdx = (0..<(W * k)).map { reflect($0 / k + $0 % k - half, W) }
        let rowIdx = (0..<(H * k)).map { reflect($0 / k + $0 % k - half, H) }
        w.withUnsafeBufferPointer { wp in
        tmp.withUnsafeMutableBufferPointer { tp in
        colIdx.withUnsafeBufferPointer { ci in
        rowIdx.withUnsafeBufferPointer { ri in
            // Horizontal into tmp, vertical back into x (one plane: C == 1).
            for y in 0..<H {
                let row = x + y * W, trow = tp.baseAddress! + y * W
                for xx in 0..<W {
                    var a: Float = 0
                    for t in 0..<k { a += wp[t] * row[ci[xx * k + t]] }
                    trow[xx] = a
                }
            }
            for y in 0..<H {
                let out = x + y * W
                for xx in 0..<W { out[xx] = 0 }
                for t in 0..<k {
                    let wt = wp[t], src = tp.baseAddress! + ri[y * k + t] * W
                    for xx in 0..<W { out[xx] += wt * src[xx] }
                }
            }
        }}}}
    }
}
