import Foundation

/// Per-pixel colour and neighbourhood ops on Float HWC images in [0, 1] (torchvision tensor semantics).
enum ColorOps {
    /// torchvision `adjust_hue`: RGB -> HSV, h = (h + shift) mod 1, HSV -> RGB, for `pixels` RGB triples.
    /// Written in the sector form (p = min, q = max - range * f, t = min + range * f), which is the same
    /// arithmetic as torchvision's `_rgb2hsv`/`_hsv2rgb` without the divisions by max and the fmods.
    static func shiftHue(_ x: UnsafeMutablePointer<Float>, pixels n: Int, by shift: Float) {
        let shift6 = shift * 6
        for i in 0..<n {
            let r = x[3 * i], g = x[3 * i + 1], b = x[3 * i + 2]
            let maxc = max(r, max(g, b)), minc = min(r, min(g, b))
            let cr = maxc - minc
            if cr <= 0 { continue }           // gray: hue has no effect
            let inv = 1 / cr
            var h6: Float
            if maxc == r { h6 = (g - b) * inv } else if maxc == g { h6 = 2 + (b - r) * inv } else { h6 = 4 + (r - g) * inv }
            h6 += shift6
            h6 -= 6 * (h6 * (1 / 6)).rounded(.down)
            var k = Int(h6)
            if k > 5 { k = 5 }
            if k < 0 { k = 0 }
            let f = h6 - Float(k)
            let v = maxc, p = minc, q = maxc - cr * f, t = minc + cr * f
            let (nr, ng, nb): (Float, Float, Float)
            switch k {
            case 0: (nr, ng, nb) = (v, t, p)
            case 1: (nr, ng, nb) = (q, v, p)
            case 2: (nr, ng, nb) = (p, v, t)
            case 3: (nr, ng, nb) = (p, q, v)
            case 4: (nr, ng, nb) = (t, p, v)
            default: (nr, ng, nb) = (v, p, q)
            }
            x[3 * i] = nr; x[3 * i + 1] = ng; x[3 * i + 2] = nb
        }
    }

    /// torchvision `gaussian_blur`: separable kernel exp(-x^2 / 2 sigma^2) over x in
    /// [-(k-1)/2, (k-1)/2], normalised, reflect padding; in place on HWC.
    static func gaussianBlur(_ x: UnsafeMutablePointer<Float>, height H: Int, width W: Int, channels C: Int,
                             kernel k: Int, sigma: Float) {
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
        var tmp = [Float](repeating: 0, count: H * W * C)
        // Horizontal into tmp, vertical back into x.
        for y in 0..<H {
            for xx in 0..<W {
                for c in 0..<C {
                    var a: Float = 0
                    for t in 0..<k { a += w[t] * x[(y * W + reflect(xx + t - half, W)) * C + c] }
                    tmp[(y * W + xx) * C + c] = a
                }
            }
        }
        for y in 0..<H {
            for xx in 0..<W {
                for c in 0..<C {
                    var a: Float = 0
                    for t in 0..<k { a += w[t] * tmp[(reflect(y + t - half, H) * W + xx) * C + c] }
                    x[(y * W + xx) * C + c] = a
                }
            }
        }
    }
}
