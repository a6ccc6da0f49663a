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

    /// x = clamp(a x + b, 0, 1) over `C` planes of `n` pixels (brightness: b = 0; contrast:
    /// b = (1 - a) mean), in place or normalised into `sink`.
    static func affine(_ x: UnsafeMutablePointer<Float>, pixels n: Int, channels C: Int, _ a: Float, _ b: Float, sink: PlaneSink?) {
        guard let s = sink else {
            for i in 0..<(n * C) { x[i] = unit(a * x[i] + b) }
            return
        }
        for c in 0..<C {
            let xc = x + c * n, o = s.out + c * n, m = s.mean[c], inv = s.invStd[c]
            for i in 0..<n { o[i] = (unit(a * xc[i] + b) - m) * inv }
        }
    }

    /// Applies `f` to every RGB pixel of the planar `x` (`n` pixels per plane), storing in place or
    /// normalised into `sink`. Inlined with its closure, so each use is one vectorised loop.
    @inline(__always)
    static func mapRGB(_ x: UnsafeMutablePointer<Float>, pixels n: Int, sink: PlaneSink?,
                       _ f: (Float, Float, Float) -> (Float, Float, Float)) {
        let r = x, g = x + n, b = x + 2 * n
        guard let s = sink else {
            for i in 0..<n {
                let (u, v, w) = f(r[i], g[i], b[i])
                r[i] = u; g[i] = v; b[i] = w
            }
            return
        }
        let o0 = s.out, o1 = s.out + n, o2 = s.out + 2 * n
        let m0 = s.mean[0], m1 = s.mean[1], m2 = s.mean[2], i0 = s.invStd[0], i1 = s.invStd[1], i2 = s.invStd[2]
        for i in 0..<n {
            let (u, v, w) = f(r[i], g[i], b[i])
            o0[i] = (u - m0) * i0; o1[i] = (v - m1) * i1; o2[i] = (w - m2) * i2
        }
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
    static func saturate(_ x: UnsafeMutablePointer<Float>, pixels n: Int, by f: Float, sink: PlaneSink?) {
        let k = 1 - f
        mapRGB(x, pixels: n, sink: sink) { r, g, b in
            let gray = k * (0.2989 * r + 0.587 * g + 0.114 * b)
            return (unit(f * r + gray), unit(f * g + gray), unit(f * b + gray))
        }
    }

    /// torchvision `rgb_to_grayscale` kept as 3 equal channels.
    static func grayscale(_ x: UnsafeMutablePointer<Float>, pixels n: Int, sink: PlaneSink?) {
        mapRGB(x, pixels: n, sink: sink) { r, g, b in
            let v = 0.2989 * r + 0.587 * g + 0.114 * b
            return (v, v, v)
        }
    }

    /// Solarize: x >= t becomes 1 - x.
    static func solarize(_ x: UnsafeMutablePointer<Float>, pixels n: Int, channels C: Int, threshold t: Float, sink: PlaneSink?) {
        guard let s = sink else {
            for i in 0..<(n * C) { let v = x[i]; x[i] = v >= t ? 1 - v : v }
            return
        }
        for c in 0..<C {
            let xc = x + c * n, o = s.out + c * n, m = s.mean[c], inv = s.invStd[c]
            for i in 0..<n { let v = xc[i]; o[i] = ((v >= t ? 1 - v : v) - m) * inv }
        }
    }

    /// Normalisation of `C` planes into the sink: o = (x - mean) * invStd.
    static func normalise(_ x: UnsafePointer<Float>, pixels n: Int, channels C: Int, into s: PlaneSink) {
        for c in 0..<C {
            let xc = x + c * n, o = s.out + c * n, m = s.mean[c], inv = s.invStd[c]
            for i in 0..<n { o[i] = (xc[i] - m) * inv }
        }
    }

    /// torchvision `adjust_hue`: RGB -> HSV, h = (h + shift) mod 1, HSV -> RGB, on the planar R, G, B
    /// planes of `pixels` each. Branch-free: with h in sextants (6 h in [0, 6)), V = max and
    /// V S = max - min = cr, torchvision's `_hsv2rgb` is c = V - cr clamp(t_c, 0, 1) with
    /// t_R = 2 - |h - 3|, t_G = max(1 - h, 2 - |h - 5|), t_B = max(2 - |h - 1|, h - 5) (the
    /// trapezoids clamp(min(k, 4 - k), 0, 1) at k = (5, 3, 1 + h) mod 6 unrolled over h), computed
    /// as clamp(V - cr t_c, min, V), which is the same value and needs no constant clamps.
    /// The sextant offsets (0, 2, 4 for R, G, B maximal) plus 6 shift are pre-wrapped into [1, 7),
    /// so h = offset + (difference / cr) lies in [0, 8) and one conditional subtraction wraps it.
    static func shiftHue(_ x: UnsafeMutablePointer<Float>, pixels n: Int, by shift: Float, sink: PlaneSink?) {
        func wrapped(_ v: Float) -> Float {
            var w = v.truncatingRemainder(dividingBy: 6)
            if w < 1 { w += 6 }
            if w >= 7 { w -= 6 }
            return w
        }
        let s0 = wrapped(shift * 6), s2 = wrapped(2 + shift * 6), s4 = wrapped(4 + shift * 6)
        mapRGB(x, pixels: n, sink: sink) { r, g, b in
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
            return (lo(hi(mx - cr * tr, mn), mx), lo(hi(mx - cr * tg, mn), mx), lo(hi(mx - cr * tb, mn), mx))
        }
    }
}
