import Support

/// Batch and layer normalisation on raw buffers, forward and fused backward.
/// Batch-norm data is `[outer, channels, inner]` (`[N, C, H·W]`, or `[N, C, 1]` for `[N, C]`);
/// statistics are per channel over outer·inner elements.
public enum Normalization {
    /// Per-channel mean and biased variance of `x[outer, channels, inner]`, accumulated in Double
    /// around a per-channel shift (the channel's first element) so large means do not cancel.
    public static func channelStatistics(
        _ x: UnsafePointer<Float>, outer: Int, channels: Int, inner: Int,
        mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>
    ) {
        let src = SendablePointer(x)
        let mp = SendablePointer(mean)
        let vp = SendablePointer(variance)
        let m = Double(outer * inner)
        parallelFor(channels) { range in
            for c in range {
                let k = src[c * inner]
                var s: Double = 0
                var ss: Double = 0
                for n in 0..<outer {
                    let plane = src.base + (n * channels + c) * inner
                    let (ps, pss) = VectorSums.shiftedMoments(plane, inner, shift: k)
                    s += Double(ps)
                    ss += Double(pss)
                }
                let mu = s / m
                mp[c] = Float(Double(k) + mu)
                vp[c] = Float(max(ss / m - mu * mu, 0))
            }
        }
    }

    /// `y = (x − mean[c])·invStd[c]·scale[c] + shift[c]`, then `+ residual` (same layout) when given, then
    /// `max(·, 0)` when `relu` (NaN stays NaN, as `Elementwise.relu`): a ResNet block's BN, residual add and
    /// ReLU in one pass, with the bits of the three passes (each step rounds as they do).
    public static func batchNormForward(
        _ x: UnsafePointer<Float>, outer: Int, channels: Int, inner: Int,
        mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
        scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, residual: UnsafePointer<Float>? = nil, relu: Bool = false,
        y: UnsafeMutablePointer<Float>
    ) {
        let src = SendablePointer(x)
        let dst = SendablePointer(y)
        let mp = SendablePointer(mean)
        let ip = SendablePointer(invStd)
        let sp = SendablePointer(scale)
        let bp = SendablePointer(shift)
        let rp = residual.map { SendablePointer($0) }
        forEachPlane(outer: outer, channels: channels, inner: inner) { p, c in
            let a = ip[c] * sp[c]
            let b = bp[c] - mp[c] * a
            affinePlane(src.base + p * inner, a, b, rp.map { $0.base + p * inner }, relu, dst.base + p * inner, inner)
        }
    }

    /// `body(p, c)` for every `[inner]` plane `p` of the `outer · channels` (its channel `c`), planes in parallel
    /// (about 16 K values a task).
    static func forEachPlane(outer: Int, channels: Int, inner: Int, _ body: @Sendable (Int, Int) -> Void) {
        parallelFor(outer * channels, grain: max(1, 16384 / max(inner, 1))) { range in
            for p in range { body(p, p % channels) }
        }
    }

    /// `out[i] = max?((x[i]·a + b) + r[i])` over one plane, sixteen lanes at a time.
    @inline(__always)
    static func affinePlane(
        _ x: UnsafePointer<Float>, _ a: Float, _ b: Float, _ r: UnsafePointer<Float>?, _ relu: Bool,
        _ out: UnsafeMutablePointer<Float>, _ n: Int
    ) {
        let (va, vb, zero) = (SIMD16<Float>(repeating: a), SIMD16<Float>(repeating: b), SIMD16<Float>(repeating: 0))
        var i = 0
        while i + 16 <= n {
            var v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self) * va + vb
            if let r { v += UnsafeRawPointer(r + i).loadUnaligned(as: SIMD16<Float>.self) }
            if relu { v.replace(with: zero, where: v .< zero) }
            UnsafeMutableRawPointer(out + i).storeBytes(of: v, as: SIMD16<Float>.self)
            i += 16
        }
        while i < n {
            var v = x[i] * a + b
            if let r { v += r[i] }
            out[i] = relu && v < 0 ? 0 : v
            i += 1
        }
    }

    /// The per-channel sums of the batch-norm backward (the input gradient follows from them,
    /// `batchNormInputGradient`): `dScale = Σ dy·(x − μ)·invStd`, `dShift = Σ dy`
    /// over the `outer · inner` values of each channel (Double accumulation). Both outputs are overwritten.
    public static func batchNormGradientSums(
        _ x: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
        outer: Int, channels: Int, inner: Int,
        mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
        gradScale: UnsafeMutablePointer<Float>, gradShift: UnsafeMutablePointer<Float>
    ) {
        let xs = SendablePointer(x)
        let gy = SendablePointer(gradOutput)
        let mp = SendablePointer(mean)
        let ip = SendablePointer(invStd)
        let gsp = SendablePointer(gradScale)
        let gbp = SendablePointer(gradShift)
        parallelFor(channels) { range in
            for c in range {
                let mu = mp[c]
                var s: Double = 0
                var sd: Double = 0
                for n in 0..<outer {
                    let off = (n * channels + c) * inner
                    let (ps, psd) = VectorSums.gradientMoments(gy.base + off, xs.base + off, inner, mean: mu)
                    s += Double(ps)
                    sd += Double(psd)
                }
                gbp[c] = Float(s)
                gsp[c] = Float(sd) * ip[c]
            }
        }
    }

    /// The input gradient of batch norm from the channel sums `sumScale = Σ dy·x̂`, `sumShift = Σ dy`
    /// over `count` values per channel (this process's, or every rank's for SyncBN):
    /// `dx = scale·invStd·(dy − sumShift/count − x̂·sumScale/count)` with batch statistics
    /// (`training`), `dx = dy·scale·invStd` with running ones. `gradInput` is overwritten.
    public static func batchNormInputGradient(
        _ x: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
        outer: Int, channels: Int, inner: Int,
        mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        training: Bool, sumScale: UnsafePointer<Float>, sumShift: UnsafePointer<Float>, count: Int,
        gradInput: UnsafeMutablePointer<Float>
    ) {
        let xs = SendablePointer(x)
        let gy = SendablePointer(gradOutput)
        let gx = SendablePointer(gradInput)
        let mp = SendablePointer(mean)
        let ip = SendablePointer(invStd)
        let sp = SendablePointer(scale)
        let gsp = SendablePointer(sumScale)
        let gbp = SendablePointer(sumShift)
        let m = Float(count)
        forEachPlane(outer: outer, channels: channels, inner: inner) { p, c in
            let off = p * inner
            let xp = xs.base + off
            let gp = gy.base + off
            let op = gx.base + off
            let k = sp[c] * ip[c]
            if training {
                // dx = k·(dy − dShift/M − (x − μ)·invStd·dScale/M)
                let a = gbp[c] / m
                let b = ip[c] * gsp[c] / m
                let mu = mp[c]
                for i in 0..<inner { op[i] = k * (gp[i] - a - (xp[i] - mu) * b) }
            } else {
                for i in 0..<inner { op[i] = k * gp[i] }
            }
        }
    }

    /// Layer norm over rows of length `d`: `y = (x − μ_row)·invStd_row·scale + shift` (scale, shift
    /// `[d]`, optional); writes each row's mean and 1/√(var + ε) (biased variance).
    public static func layerNormForward(
        _ x: UnsafePointer<Float>, rows: Int, d: Int, epsilon: Float,
        scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>, invStd: UnsafeMutablePointer<Float>
    ) {
        let src = SendablePointer(x)
        let dst = SendablePointer(y)
        let mp = SendablePointer(mean)
        let ip = SendablePointer(invStd)
        let sp = scale.map { SendablePointer($0) }
        let bp = shift.map { SendablePointer($0) }
        parallelFor(rows, grain: max(1, 8192 / max(d, 1))) { range in
            for r in range {
                let row = src.base + r * d
                let out = dst.base + r * d
                let k = row[0]
                let (s, ss) = VectorSums.shiftedMoments(row, d, shift: k)
                let ms = s / Float(d)
                let mu = k + ms
                let inv = 1 / (max(ss / Float(d) - ms * ms, 0) + epsilon).squareRoot()
                mp[r] = mu
                ip[r] = inv
                for j in 0..<d {
                    var t = (row[j] - mu) * inv
                    if let sp { t *= sp[j] }
                    if let bp { t += bp[j] }
                    out[j] = t
                }
            }
        }
    }

    /// Fused layer-norm backward: `dx = invStd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))` with `ĝ = dy·scale`;
    /// `dScale = Σ_rows dy·x̂`, `dShift = Σ_rows dy` (each optional). Outputs are overwritten.
    public static func layerNormBackward(
        _ x: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>, rows: Int, d: Int,
        scale: UnsafePointer<Float>?, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
        gradInput: UnsafeMutablePointer<Float>?, gradScale: UnsafeMutablePointer<Float>?,
        gradShift: UnsafeMutablePointer<Float>?
    ) {
        let xs = SendablePointer(x)
        let gy = SendablePointer(gradOutput)
        let mp = SendablePointer(mean)
        let ip = SendablePointer(invStd)
        let sp = scale.map { SendablePointer($0) }
        if let gradInput {
            let gx = SendablePointer(gradInput)
            parallelFor(rows, grain: max(1, 8192 / max(d, 1))) { range in
                for r in range {
                    let xr = xs.base + r * d
                    let gr = gy.base + r * d
                    let out = gx.base + r * d
                    let mu = mp[r]
                    let inv = ip[r]
                    var a: Float = 0
                    var b: Float = 0
                    for j in 0..<d {
                        let gh = sp.map { gr[j] * $0[j] } ?? gr[j]
                        a += gh
                        b += gh * (xr[j] - mu) * inv
                    }
                    a /= Float(d)
                    b /= Float(d)
                    for j in 0..<d {
                        let gh = sp.map { gr[j] * $0[j] } ?? gr[j]
                        out[j] = inv * (gh - a - (xr[j] - mu) * inv * b)
                    }
                }
            }
        }
        if gradScale == nil && gradShift == nil { return }
        let gs = gradScale.map { SendablePointer($0) }
        let gb = gradShift.map { SendablePointer($0) }
        let chunk = 256
        parallelFor((d + chunk - 1) / chunk) { range in
            for blk in range {
                let lo = blk * chunk
                let hi = min(d, lo + chunk)
                for j in lo..<hi {
                    gs?[j] = 0
                    gb?[j] = 0
                }
                for r in 0..<rows {
                    let xr = xs.base + r * d
                    let gr = gy.base + r * d
                    let mu = mp[r]
                    let inv = ip[r]
                    if let gs { for j in lo..<hi { gs[j] += gr[j] * (xr[j] - mu) * inv } }
                    if let gb { for j in lo..<hi { gb[j] += gr[j] } }
                }
            }
        }
    }
}
