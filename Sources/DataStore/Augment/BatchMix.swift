import Foundation
import Support

/// What a mixup/cutmix step did: sample i was mixed with sample `partner[i]` (torchvision v2
/// pairs each sample with the batch rolled by one); targets are `lambda * y_i + (1 - lambda) * y_partner`.
public struct MixParams: Sendable, Equatable {
    /// The weight of each sample's own target (for cutmix, 1 - box area / image area).
    public var lambda: Float
    /// The partner of each sample.
    public var partner: [Int]
    /// For cutmix: the pasted box (top, left, height, width) in output pixels; nil for mixup.
    public var box: (Int, Int, Int, Int)?

    /// Mixing parameters (e.g. recorded ones, to re-apply with `BatchMix.apply`).
    public init(lambda: Float, partner: [Int], box: (Int, Int, Int, Int)? = nil) {
        self.lambda = lambda
        self.partner = partner
        self.box = box
    }

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
        let x = gamma(a, &rng)
        let y = gamma(a, &rng)
        return x + y > 0 ? x / (x + y) : 0.5
    }
    static func gamma(_ a: Float, _ rng: inout Philox) -> Float {
        if a < 1 { return gamma(a + 1, &rng) * pow(max(rng.nextUniform(), 1e-12), 1 / a) }
        let d = a - 1 / 3
        let c = 1 / (9 * d).squareRoot()
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
        let n = batch.shape[0]
        let per = batch.pixels.count / max(n, 1)
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
        let n = batch.shape[0]
        let c = batch.shape[1]
        let h = batch.shape[2]
        let w = batch.shape[3]
        let b = cutmixBox(lam, height: h, width: w, &rng)
        let y0 = b.0
        let y1 = b.0 + b.2
        let x0 = b.1
        let x1 = b.1 + b.3
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

/// Which batch mixing a `MixParams` describes.
public enum MixKind: Sendable, Equatable {
    /// Pixels blended: lambda * x_i + (1 - lambda) * x_partner.
    case mixup
    /// A box pasted from the partner.
    case cutmix
}

extension MixParams {
    /// Mixup when there is no box, cutmix otherwise.
    public var kind: MixKind { box == nil ? .mixup : .cutmix }
}

extension BatchMix {
    /// The timm-style per-batch draw for `config` (nil: this batch is not mixed), keyed by
    /// (seed, epoch, step): mixed with probability `config.probability`; cutmix with probability
    /// `switchProbability` when both alphas are positive; lambda ~ Beta(alpha, alpha); partner = the
    /// batch rolled by one. A cutmix box is drawn for a `height` x `width` image (like `cutmix`) and
    /// lambda is corrected to 1 - box area / image area.
    public static func draw(
        _ config: MixConfig, batchSize n: Int, height: Int, width: Int,
        seed: UInt64, epoch: Int, step: Int
    ) -> MixParams? {
        guard n > 0, config.probability > 0, config.mixupAlpha > 0 || config.cutmixAlpha > 0 else { return nil }
        var rng = Philox(seed: seed, keys: [UInt64(truncatingIfNeeded: epoch), UInt64(truncatingIfNeeded: step), 0x4D49_5842])
        guard rng.nextUniform() < config.probability else { return nil }
        let useCutmix =
            config.mixupAlpha > 0 && config.cutmixAlpha > 0
            ? rng.nextUniform() < config.switchProbability : config.cutmixAlpha > 0
        let lam = beta(useCutmix ? config.cutmixAlpha : config.mixupAlpha, &rng)
        let partner = (0..<n).map { ($0 + n - 1) % n }
        guard useCutmix else { return MixParams(lambda: lam, partner: partner, box: nil) }
        let b = cutmixBox(lam, height: height, width: width, &rng)
        return MixParams(lambda: 1 - Float(b.2 * b.3) / Float(height * width), partner: partner, box: b)
    }

    /// A box of area fraction about (1 - lam), centre uniform, clipped: (top, left, height, width).
    static func cutmixBox(_ lam: Float, height h: Int, width w: Int, _ rng: inout Philox) -> (Int, Int, Int, Int) {
        let cy = rng.nextInt(below: h)
        let cx = rng.nextInt(below: w)
        let r = (1 - lam).squareRoot()
        let bh = Int(Float(h) * r)
        let bw = Int(Float(w) * r)
        let y0 = max(cy - bh / 2, 0)
        let y1 = min(cy + bh / 2, h)
        let x0 = max(cx - bw / 2, 0)
        let x1 = min(cx + bw / 2, w)
        return (y0, x0, max(y1 - y0, 0), max(x1 - x0, 0))
    }

    /// Applies drawn `params` to `batch` in place. A cutmix box is in `boxSpace` pixels (default: this
    /// view's size); a view of another size gets the box scaled to its size (rounded).
    public static func apply(_ params: MixParams, to batch: inout ViewBatch, boxSpace: (height: Int, width: Int)? = nil) {
        var scratch: [Float] = []
        let shape = batch.shape
        batch.pixels.withUnsafeMutableBufferPointer { apply(params, to: $0, shape: shape, boxSpace: boxSpace, scratch: &scratch) }
    }

    /// In-place mixing of one view's pixels [n, c, h, w]; `scratch` is reused between calls.
    static func apply(
        _ params: MixParams, to d: UnsafeMutableBufferPointer<Float>, shape: [Int],
        boxSpace: (height: Int, width: Int)?, scratch: inout [Float]
    ) {
        let n = shape[0]
        let c = shape[1]
        let h = shape[2]
        let w = shape[3]
        let per = c * h * w
        precondition(params.partner.count == n && d.count == n * per, "BatchMix.apply: params for \(params.partner.count) samples, batch of \(n)")
        guard let box = params.box else {
            // Mixup: blend with a copy of the unmixed batch.
            if scratch.count < d.count { scratch = [Float](repeating: 0, count: d.count) }
            let lam = params.lambda
            scratch.withUnsafeMutableBufferPointer { s in
                s.baseAddress!.update(from: d.baseAddress!, count: d.count)
                for i in 0..<n {
                    let dst = d.baseAddress! + i * per
                    let a = UnsafePointer(s.baseAddress! + i * per)
                    let b = UnsafePointer(s.baseAddress! + params.partner[i] * per)
                    for k in 0..<per { dst[k] = lam * a[k] + (1 - lam) * b[k] }
                }
            }
            return
        }
        let space = boxSpace ?? (h, w)
        func scaled(_ v: Int, _ from: Int, _ to: Int) -> Int {
            from == to ? v : min(to, max(0, Int((Double(v) * Double(to) / Double(from)).rounded())))
        }
        let y0 = scaled(box.0, space.height, h)
        let y1 = scaled(box.0 + box.2, space.height, h)
        let x0 = scaled(box.1, space.width, w)
        let x1 = scaled(box.1 + box.3, space.width, w)
        let bh = y1 - y0
        let bw = x1 - x0
        guard bh > 0, bw > 0 else { return }
        // CutMix: save every sample's box, then paste each partner's saved box.
        let boxN = c * bh * bw
        if scratch.count < n * boxN { scratch = [Float](repeating: 0, count: n * boxN) }
        scratch.withUnsafeMutableBufferPointer { s in
            for i in 0..<n {
                for ch in 0..<c {
                    for y in 0..<bh {
                        (s.baseAddress! + i * boxN + (ch * bh + y) * bw)
                            .update(from: d.baseAddress! + i * per + ch * h * w + (y0 + y) * w + x0, count: bw)
                    }
                }
            }
            for i in 0..<n {
                let p = params.partner[i]
                for ch in 0..<c {
                    for y in 0..<bh {
                        (d.baseAddress! + i * per + ch * h * w + (y0 + y) * w + x0)
                            .update(from: s.baseAddress! + p * boxN + (ch * bh + y) * bw, count: bw)
                    }
                }
            }
        }
    }
}
