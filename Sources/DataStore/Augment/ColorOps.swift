import Foundation

/// Per-pixel colour and neighbourhood ops on Float HWC images in [0, 1] (torchvision tensor semantics).
enum ColorOps {
    /// torchvision `adjust_hue`: RGB -> HSV, h = (h + shift) mod 1, HSV -> RGB, for `pixels` RGB triples.
    static func shiftHue(_ x: UnsafeMutablePointer<Float>, pixels n: Int, by shift: Float) {
        for i in 0..<n {
            let r = x[3 * i], g = x[3 * i + 1], b = x[3 * i + 2]
            let maxc = max(r, max(g, b)), minc = min(r, min(g, b))
            let eq = maxc == minc
            let cr = maxc - minc
            let s = cr / (eq ? 1 : maxc)
            let d = eq ? 1 : cr
            let rc = (maxc - r) / d, gc = (maxc - g) / d, bc = (maxc - b) / d
            var h: Float
            if maxc == r { h = bc - gc } else if maxc == g { h = 2 + rc - bc } else { h = 4 + gc - rc }
            h = (h / 6 + 1).truncatingRemainder(dividingBy: 1)
            h = (h + shift).truncatingRemainder(dividingBy: 1)
            if h < 0 { h += 1 }
            let v = maxc
            let h6 = h * 6
            let fi = h6.rounded(.down)
            let f = h6 - fi
            let k = Int(fi) % 6
            let p = min(max(v * (1 - s), 0), 1)
            let q = min(max(v * (1 - s * f), 0), 1)
            let t = min(max(v * (1 - s * (1 - f)), 0), 1)
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
