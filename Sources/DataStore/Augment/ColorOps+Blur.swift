import Foundation

extension ColorOps {
    /// torchvision `gaussian_blur`: separable kernel exp(-x^2 / 2 sigma^2) over x in
    /// [-(k-1)/2, (k-1)/2], normalised, reflect padding; in place on one [H, W] plane.
    static func gaussianBlur(_ x: UnsafeMutablePointer<Float>, height H: Int, width W: Int, kernel k: Int, sigma: Float) {
        let half = (k - 1) / 2
        var w = [Float](repeating: 0, count: k)
        var total: Float = 0
        for i in 0..<k {
            let t = (Float(i) - Float(k - 1) / 2) / sigma
            w[i] = exp(-0.5 * t * t)
            total += w[i]
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
                            let row = x + y * W
                            let trow = tp.baseAddress! + y * W
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
                                let wt = wp[t]
                                let src = tp.baseAddress! + ri[y * k + t] * W
                                for xx in 0..<W { out[xx] += wt * src[xx] }
                            }
                        }
                    }
                }
            }
        }
    }
}
