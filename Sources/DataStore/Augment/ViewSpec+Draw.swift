import Foundation
import Support

extension ViewSpec {
    /// Draws this view's parameters for a source of `srcHeight` x `srcWidth` from the counter-based
    /// stream keyed by (seed, epoch, sampleID, view): the same on every worker and every run.
    public func draw(seed: UInt64, epoch: Int, sampleID: UInt64, view: Int, srcHeight: Int, srcWidth: Int) -> ViewParams {
        // Same stream as Philox(seed:keys: [epoch, sampleID, view]), without allocating the key array.
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        h = Philox.mix(h ^ Philox.mix(UInt64(epoch) &+ 0x632B_E59B_D9B4_E019))
        h = Philox.mix(h ^ Philox.mix(sampleID &+ 0x632B_E59B_D9B4_E019))
        h = Philox.mix(h ^ Philox.mix(UInt64(view) &+ 0x632B_E59B_D9B4_E019))
        var rng = Philox(seed: seed, stream: h)
        return draw(&rng, srcHeight: srcHeight, srcWidth: srcWidth)
    }

    /// Draws the parameters from `rng`.
    public func draw(_ rng: inout Philox, srcHeight H: Int, srcWidth W: Int) -> ViewParams {
        var p: ViewParams
        switch crop {
        case .randomResized(let scale, let ratio):
            let (i, j, h, w) = ViewSpec.randomResizedCropBox(&rng, height: H, width: W, scale: scale, ratio: ratio)
            p = ViewParams(
                srcHeight: H, srcWidth: W, top: i, left: j, height: h, width: w, flipped: false,
                outHeight: outHeight, outWidth: outWidth)
        case .padRandom(let pad):
            let i = rng.nextInt(below: H + 2 * pad - outHeight + 1) - pad
            let j = rng.nextInt(below: W + 2 * pad - outWidth + 1) - pad
            p = ViewParams(
                srcHeight: H, srcWidth: W, top: i, left: j, height: outHeight, width: outWidth, flipped: false,
                outHeight: outHeight, outWidth: outWidth, resampled: false)
        case .resize:
            p = ViewParams(
                srcHeight: H, srcWidth: W, top: 0, left: 0, height: H, width: W, flipped: false,
                outHeight: outHeight, outWidth: outWidth)
        case .center:
            p = ViewParams(
                srcHeight: H, srcWidth: W, top: (H - outHeight) / 2, left: (W - outWidth) / 2, height: outHeight,
                width: outWidth, flipped: false, outHeight: outHeight, outWidth: outWidth, resampled: false)
        }
        p.flipped = flipProbability > 0 && rng.nextUniform() < flipProbability
        if let j = jitter, rng.nextUniform() < j.probability {
            p.jittered = true
            var order = SIMD4<Int32>(0, 1, 2, 3)
            for k in stride(from: 3, to: 0, by: -1) {
                let r = rng.nextInt(below: k + 1)
                let t = order[k]
                order[k] = order[r]
                order[r] = t
            }
            p.jitterOrder = UInt16(order[0] | order[1] << 4 | order[2] << 8 | order[3] << 12)
            func factor(_ s: Float) -> Float { s > 0 ? rng.nextUniform(in: max(0, 1 - s), 1 + s) : 1 }
            p.brightness = factor(j.brightness)
            p.contrast = factor(j.contrast)
            p.saturation = factor(j.saturation)
            p.hue = j.hue > 0 ? rng.nextUniform(in: -j.hue, j.hue) : 0
        }
        p.grayscale = grayscaleProbability > 0 && rng.nextUniform() < grayscaleProbability
        if blurProbability > 0 && rng.nextUniform() < blurProbability {
            p.blurSigma = max(rng.nextUniform(in: blurSigma.lowerBound, blurSigma.upperBound), 1e-3)
            p.blurKernel = effectiveBlurKernel
        }
        p.solarized = solarizeProbability > 0 && rng.nextUniform() < solarizeProbability
        p.solarizeThreshold = solarizeThreshold
        return p
    }

    /// torchvision `RandomResizedCrop.get_params`: 10 tries of (area fraction uniform in `scale`,
    /// log-uniform aspect ratio), then the central crop clamped to the ratio range. Returns (i, j, h, w).
    public static func randomResizedCropBox(
        _ rng: inout Philox, height: Int, width: Int, scale: ClosedRange<Double>,
        ratio: ClosedRange<Double>
    ) -> (Int, Int, Int, Int) {
        let area = Double(height * width)
        let logLo = log(ratio.lowerBound)
        let logHi = log(ratio.upperBound)
        for _ in 0..<10 {
            let target = area * (scale.lowerBound + (scale.upperBound - scale.lowerBound) * Double(rng.nextUniform()))
            let aspect = exp(logLo + (logHi - logLo) * Double(rng.nextUniform()))
            let w = Int((target * aspect).squareRoot().rounded(.toNearestOrEven))
            let h = Int((target / aspect).squareRoot().rounded(.toNearestOrEven))
            if w > 0 && w <= width && h > 0 && h <= height {
                let i = rng.nextInt(below: height - h + 1)
                let j = rng.nextInt(below: width - w + 1)
                return (i, j, h, w)
            }
        }
        let inRatio = Double(width) / Double(height)
        var w = width
        var h = height
        if inRatio < ratio.lowerBound {
            h = Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))
        } else if inRatio > ratio.upperBound {
            w = Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))
        }
        return ((height - h) / 2, (width - w) / 2, h, w)
    }
}
