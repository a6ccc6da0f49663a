import Foundation
import Kernels

/// What a mixup/cutmix step did: sample i was mixed with sample `partner[i]` (torchvision v2
/// pairs each sample with the batch rolled by one); targets are `lambda * y_i + (1 - lambda) * y_partner`.
public struct MixParams: Sendable, Equatable {
    /// The weight of each sample's own target (for cutmix, 1 - box area / image area).
    public var lambda: Float
    /// The partner of each sample.
    public var partner: [Int]
    /// For cutmix: the pasted box (top, left, height, width) in output pixels; nil for mixup.
    public var box: (Int, Int, Int, Int)?

    /// Equality including the optional box.
    public static func == (a: MixParams, b: MixParams) -> Bool {
        a.lambda == b.lambda && a.partner == b.partner && a.box?.0 == b.box?.0 && a.box?.1 == b.box?.1
            && a.box?.2 == b.box?.2 && a.box?.3 == b.box?.3
    }
}

/// Batch-level mixing (mixup, Zhang et al. 2018; cutmix, Yun et al. 2019) on a `ViewBatch`,
/// keyed by (seed, epoch, step) so it is reproducible.
public enum BatchMix {
    /// A Beta(a, a) draw from two Gamma draws (Marsaglia-Tsang).
    static func beta(_ a: Float, _ rng: inout Philox) -> Float {
        let x = gamma(a, &rng), y = gamma(a, &rng)
        return x + y > 0 ? x / (x + y) : 0.5
    }
    static func gamma(_ a: Float, _ rng: inout Philox) -> Float {
        if a < 1 { return gamma(a + 1, &rng) * pow(max(rng.nextUniform(), 1e-12), 1 / a) }
        let d = a - 1 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let x = rng.nextNormal()
            let v0 = 1 + c * x
            if v0 <= 0 { continue }
            let v = v0 * v0 * v0
            let u = max(rng.nextUniform(), 1e-12)
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }

    /// Mixup: pixels become lambda * x_i + (1 - lambda) * x_{i-1}, lambda ~ Beta(alpha, alpha).
    public static func mixup(_ batch: inout ViewBatch, alpha: Float, seed: UInt64, epoch: Int, step: Int) -> MixParams {
        var rng = Philox(seed: seed, keys: [UInt64(epoch), UInt64(step), 0x4D49_5855])
        let lam = beta(alpha, &rng)
        let n = batch.shape[0], per = batch.pixels.count / max(n, 1)
        let src = batch.pixels
        let partner = (0..<n).map { ($0 + n - 1) % n }
        batch.pixels.withUnsafeMutableBufferPointer { d in
            for i in 0..<n {
                let o = partner[i] * per
                for k in 0..<per { d[i * per + k] = lam * src[i * per + k] + (1 - lam) * src[o + k] }
            }
        }
        return MixParams(lambda: lam, partner: partner, box: nil)
    }

    /// CutMix: a box of area fraction (1 - lambda) centred uniformly (clipped) is pasted from the
    /// partner; lambda is then corrected to 1 - clipped area / image area.
    public static func cutmix(_ batch: inout ViewBatch, alpha: Float, seed: UInt64, epoch: Int, step: Int) -> MixParams {
        var rng = Philox(seed: seed, keys: [UInt64(epoch), UInt64(step), 0x4355_544D])
        let lam = beta(alpha, &rng)
        let n = batch.shape[0], c = batch.shape[1], h = batch.shape[2], w = batch.shape[3]
        let cy = rng.nextInt(below: h), cx = rng.nextInt(below: w)
        let r = (1 - lam).squareRoot()
        let bh = Int(Float(h) * r), bw = Int(Float(w) * r)
        let y0 = max(cy - bh / 2, 0), y1 = min(cy + bh / 2, h)
        let x0 = max(cx - bw / 2, 0), x1 = min(cx + bw / 2, w)
        let partner = (0..<n).map { ($0 + n - 1) % n }
        let src = batch.pixels
        let per = c * h * w
        batch.pixels.withUnsafeMutableBufferPointer { d in
            for i in 0..<n {
                for ch in 0..<c {
                    for y in y0..<max(y0, y1) {
                        for x in x0..<max(x0, x1) {
                            let off = ch * h * w + y * w + x
                            d[i * per + off] = src[partner[i] * per + off]
                        }
                    }
                }
            }
        }
        let area = Float(max(y1 - y0, 0) * max(x1 - x0, 0))
        return MixParams(lambda: 1 - area / Float(h * w), partner: partner, box: (y0, x0, max(y1 - y0, 0), max(x1 - x0, 0)))
    }
}
