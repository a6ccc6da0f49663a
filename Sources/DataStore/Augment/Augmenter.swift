import Foundation

/// Applies a `ViewParams` to a uint8 HWC image, writing normalised Float CHW output. One per worker
/// thread: all scratch buffers are reused, so rendering allocates nothing once warmed up.
/// Geometry (crop, antialiased bilinear resize, flip) reads uint8 input and rounds to uint8, as
/// Pillow does, into a planar (CHW) buffer. Per-channel colour ops (brightness, contrast,
/// solarize, normalise) then run as a 256-entry lookup table per channel, switching to per-pixel
/// Float math only for ops that mix channels or neighbours (saturation, hue, grayscale, blur).
/// Views without colour ops skip the uint8 buffer: the resize writes normalised floats directly.
public final class Augmenter {
    var tapsX = ResampleTaps()
    var tapsY = ResampleTaps()
    var tapCache: [Int: ResampleTaps] = [:]
    var tmp: [Float] = []
    var srcF: [Float] = []
    var line: [Float] = []
    var u8: [UInt8] = []
    var fpix: [Float] = []
    var lut = [Float](repeating: 0, count: 3 * 256)

    /// An augmenter with empty scratch.
    public init() {}

    /// Renders one view of `src` ([height, width, channels] uint8) with `params` into `out`
    /// ([channels, outHeight, outWidth] Float), normalised by `mean`/`std` (one value or one per channel).
    /// `src` may be a downscaled decode of the source (JPEG DCT scaling) for resampled views: the
    /// crop box (in source pixels) is then mapped by height / srcHeight and width / srcWidth.
    public func render(src: UnsafePointer<UInt8>, height H: Int, width W: Int, channels C: Int, params p: ViewParams,
                       mean: [Float], std: [Float], into out: UnsafeMutablePointer<Float>) throws {
        let scaled = p.srcHeight != H || p.srcWidth != W
        guard !scaled || (p.resampled && H <= p.srcHeight && W <= p.srcWidth && H > 0 && W > 0),
              p.outHeight > 0, p.outWidth > 0, C == 1 || C == 3 else {
            throw StoreError.invalidArgument("view parameters are for a \(p.srcHeight)x\(p.srcWidth) image, got \(H)x\(W)x\(C)")
        }
        if p.resampled {
            guard p.top >= 0, p.left >= 0, p.height > 0, p.width > 0, p.top + p.height <= p.srcHeight, p.left + p.width <= p.srcWidth else {
                throw StoreError.invalidArgument("crop box (\(p.top), \(p.left), \(p.height), \(p.width)) outside a \(p.srcHeight)x\(p.srcWidth) image")
            }
        }
        guard mean.count == 1 || mean.count == C, std.count == 1 || std.count == C, !std.contains(0) else {
            throw StoreError.invalidArgument("normalisation needs 1 or \(C) means/stds (non-zero std), got \(mean.count)/\(std.count)")
        }
        let n = p.outHeight * p.outWidth
        let colour = hasColourOps(p, C)
        var a = (Float(0), Float(0), Float(0)), b = (Float(0), Float(0), Float(0))
        for c in 0..<C {
            let inv = 1 / std[std.count == 1 ? 0 : c], m = mean[mean.count == 1 ? 0 : c]
            // out = (v / 255 - m) / s = v * a + b
            if c == 0 { a.0 = inv / 255; b.0 = -m * inv } else if c == 1 { a.1 = inv / 255; b.1 = -m * inv } else { a.2 = inv / 255; b.2 = -m * inv }
        }
        if u8.count < n * C { u8 = [UInt8](repeating: 0, count: n * C) }
        let direct: (UnsafeMutablePointer<Float>, (Float, Float, Float), (Float, Float, Float))? = colour ? nil : (out, a, b)
        if p.resampled { resample(src, H, W, C, p, direct) } else { copyCrop(src, H, W, C, p) }
        if direct != nil && p.resampled { return }
        try colourAndWrite(C, p, mean: mean, std: std, out)
    }

    /// Whether any colour op changes this view (otherwise only normalisation is applied).
    func hasColourOps(_ p: ViewParams, _ C: Int) -> Bool {
        if p.jittered && (p.brightness != 1 || p.contrast != 1 || (C == 3 && (p.saturation != 1 || p.hue != 0))) { return true }
        return (p.grayscale && C == 3) || p.blurSigma > 0 || p.solarized
    }

    /// Pad-crop / center crop: planar uint8 copy with zero fill and flip.
    func copyCrop(_ src: UnsafePointer<UInt8>, _ H: Int, _ W: Int, _ C: Int, _ p: ViewParams) {
        let oh = p.outHeight, ow = p.outWidth, n = oh * ow
        u8.withUnsafeMutableBufferPointer { dst in
            for oy in 0..<oh {
                let sy = p.top + oy
                for ox in 0..<ow {
                    let sx = p.left + (p.flipped ? ow - 1 - ox : ox)
                    let d = oy * ow + ox
                    if sy < 0 || sy >= H || sx < 0 || sx >= W {
                        for c in 0..<C { dst[c * n + d] = 0 }
                    } else {
                        let s = (sy * W + sx) * C
                        for c in 0..<C { dst[c * n + d] = src[s + c] }
                    }
                }
            }
        }
    }
}
