import Foundation

/// Per-pixel colour and neighbourhood ops on Float HWC images in [0, 1] (torchvision tensor semantics).
enum ColorOps {
    /// torchvision `adjust_hue`: RGB -> HSV, h = (h + shift) mod 1, HSV -> RGB, on planar R, G, B
    /// planes of `pixels` each. Uses the branch-free HSV -> RGB form c_n = V - V S clamp(min(k, 4 - k), 0, 1)
    /// with k = (n + 6h) mod 6 (n = 5, 3, 1 for R, G, B) and V S = max - min, the same function as
    /// torchvision's `_hsv2rgb`, written with selects so the loop vectorises.
    static func shiftHue(_ x: UnsafeMutablePointer<Float>, pixels n: Int, by shift: Float) {
        let shift6 = shift * 6 + 12          // + 12 keeps h positive before the truncating mod
        let pr = x, pg = x + n, pb = x + 2 * n
        for i in 0..<n {
            let r = pr[i], g = pg[i], b = pb[i]
            let mx = max(r, max(g, b)), mn = min(r, min(g, b))
            let cr = mx - mn
            let inv: Float = cr > 0 ? 1 / cr : 0
            let hr = (g - b) * inv, hg = 2 + (b - r) * inv, hb = 4 + (r - g) * inv
            var h = mx == r ? hr : (mx == g ? hg : hb)
            h += shift6
            // h mod 6 into [0, 6] without a checked float-to-integer conversion: floor(q) as
            // round-to-nearest(q - 0.5) by adding and removing 1.5 * 2^23 (h = 6 behaves as 0 below).
            let q = h * (1 / 6) - 0.5
            h -= 6 * ((q + 12_582_912) - 12_582_912)
            h = max(h, 0)
            var kr = h + 5, kg = h + 3, kb = h + 1
            kr = kr >= 6 ? kr - 6 : kr; kg = kg >= 6 ? kg - 6 : kg; kb = kb >= 6 ? kb - 6 : kb
            pr[i] = mx - cr * min(max(min(kr, 4 - kr), 0), 1)
            pg[i] = mx - cr * min(max(min(kg, 4 - kg), 0), 1)
            pb[i] = mx - cr * min(max(min(kb, 4 - kb), 0), 1)
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
