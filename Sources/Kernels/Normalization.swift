import CKernels
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

    /// Rows per task of the layer-norm passes: the parameter gradients sum each block's rows in order, then the
    /// blocks in order, so they do not depend on the thread count.
    static let layerNormBlock = 64

    /// Layer norm over rows of length `d` (`CKernels/layernorm.c`): `y = (x − μ_row)·invStd_row·scale + shift`
    /// (scale, shift `[d]`, optional); writes each row's mean and 1/√(var + ε) (biased variance, two passes).
    public static func layerNormForward(
        _ x: UnsafePointer<Float>, rows: Int, d: Int, epsilon: Float,
        scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>, invStd: UnsafeMutablePointer<Float>
    ) {
        let (src, dst, mp, ip) = (SendablePointer(x), SendablePointer(y), SendablePointer(mean), SendablePointer(invStd))
        let (sp, bp) = (scale.map { SendablePointer($0) }, shift.map { SendablePointer($0) })
        parallelFor(rows, grain: max(1, 8192 / max(d, 1))) { range in
            let r = range.lowerBound
            rtk_layer_norm_rows(src.base + r * d, range.count, d, epsilon, sp?.base, bp?.base, dst.base + r * d, mp.base + r, ip.base + r)
        }
    }

    /// Fused layer-norm backward (`CKernels/layernorm.c`): `dx = invStd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))` with
    /// `ĝ = dy·scale`; `dScale = Σ_rows dy·x̂`, `dShift = Σ_rows dy` (each optional), summed per block of
    /// `layerNormBlock` rows and then over blocks, in order. Outputs are overwritten.
    public static func layerNormBackward(
        _ x: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>, rows: Int, d: Int,
        scale: UnsafePointer<Float>?, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
        gradInput: UnsafeMutablePointer<Float>?, gradScale: UnsafeMutablePointer<Float>?,
        gradShift: UnsafeMutablePointer<Float>?
    ) {
        let (xs, gy, mp, ip) = (SendablePointer(x), SendablePointer(gradOutput), SendablePointer(mean), SendablePointer(invStd))
        let (sp, gx) = (scale.map { SendablePointer($0) }, gradInput.map { SendablePointer($0) })
        let blocks = (rows + layerNormBlock - 1) / layerNormBlock
        // Per block: its dScale partial, then its dShift partial (zero-filled; absent ones are not written).
        let capacity = max(1, max(blocks, 1) * 2 * d)  // no rows: zero gradients
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
        defer { partials.deallocate() }
        partials.initialize(repeating: 0, count: capacity)
        let pp = SendablePointer(partials)
        let (wantScale, wantShift) = (gradScale != nil, gradShift != nil)
        parallelFor(blocks) { range in
            for block in range {
                let r = block * layerNormBlock
                let part = pp.base + block * 2 * d
                rtk_layer_norm_backward_rows(
                    xs.base + r * d, gy.base + r * d, min(layerNormBlock, rows - r), d, sp?.base, mp.base + r, ip.base + r,
                    gx.map { $0.base + r * d }, wantScale ? part : nil, wantShift ? part + d : nil)
            }
        }
        for (output, offset) in [(gradScale, 0), (gradShift, d)] {
            guard let output else { continue }
            output.update(from: partials + offset, count: d)
            for block in 1..<max(blocks, 1) { Elementwise.apply(.add, output, partials + block * 2 * d + offset, output, count: d) }
        }
    }
}
