/// Vectorised partial sums (eight SIMD lanes, so the compiler need not reassociate scalar adds).
public enum VectorSums {
    /// (Σ (p[i] − k), Σ (p[i] − k)²) over `0..<n`.
    @inlinable
    public static func shiftedMoments(_ p: UnsafePointer<Float>, _ n: Int, shift k: Float) -> (Float, Float) {
        var s = SIMD8<Float>(repeating: 0)
        var ss = SIMD8<Float>(repeating: 0)
        let kv = SIMD8<Float>(repeating: k)
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self) - kv
            s += v
            ss += v * v
            i += 8
        }
        var ts = s.sum()
        var tss = ss.sum()
        while i < n {
            let d = p[i] - k
            ts += d
            tss += d * d
            i += 1
        }
        return (ts, tss)
    }

    /// (Σ g[i], Σ g[i]·(x[i] − m)) over `0..<n`.
    @inlinable
    public static func gradientMoments(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int, mean m: Float) -> (Float, Float) {
        var s = SIMD8<Float>(repeating: 0)
        var sd = SIMD8<Float>(repeating: 0)
        let mv = SIMD8<Float>(repeating: m)
        var i = 0
        while i + 8 <= n {
            let gv = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            s += gv
            sd += gv * (xv - mv)
            i += 8
        }
        var ts = s.sum()
        var tsd = sd.sum()
        while i < n {
            ts += g[i]
            tsd += g[i] * (x[i] - m)
            i += 1
        }
        return (ts, tsd)
    }
}
