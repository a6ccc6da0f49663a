import Foundation

/// Where a decoded buffer sits in the (possibly DCT-scaled) source image: the buffer holds rows
/// `top ..< top + height` and columns `left ..< left + width` of a `fullHeight` x `fullWidth` image
/// (a region-of-interest JPEG decode). Crop boxes stay in source pixels and map onto the full image.
struct SourceWindow: Equatable {
    /// Height of the whole decoded image (source height, or less when DCT-scaled).
    var fullHeight: Int
    /// Width of the whole decoded image.
    var fullWidth: Int
    /// First row of the buffer in the whole image.
    var top = 0
    /// First column of the buffer in the whole image.
    var left = 0
}

/// Applies a `ViewParams` to a uint8 HWC image, writing normalised Float CHW output. One per worker
/// thread: all scratch buffers are reused, so rendering allocates nothing once warmed up.
/// Geometry (crop, antialiased bilinear resize, flip) reads uint8 input and rounds to uint8 values,
/// as Pillow does, into a planar (CHW) Float buffer in [0, 1]; the colour ops then run in place as
/// vectorised passes (torchvision tensor semantics), and the last pass normalises into the output.
/// Views without colour ops skip the buffer: the resize writes normalised floats directly.
public final class Augmenter {
    /// Resampling taps: tables 0 and 1 are scratch (y, x); the rest a cache keyed in `tapIndex`.
    var tapTables = [ResampleTaps(), ResampleTaps()]
    var tapIndex: [Int: Int] = [:]
    /// `tapIndex` for boxes and outputs up to 64: entry n * 65 + outSize (-1: none; empty until used).
    var smallTapIndex: [Int32] = []
    var tmp: [Float] = []
    var srcF: [Float] = []
    var line: [Float] = []
    var fpix: [Float] = []
    var kernelScratch: [Float] = []
    /// Whether upscaling and identity crop-resizes run through the C kernel (AVX2 where available;
    /// bit-identical to the Swift passes, which run when false: tests and comparisons).
    public var useResampleKernel = true
    /// Forces the C resize kernel's baseline (non-AVX2) code path (tests).
    public var resampleKernelBaseline = false

    /// An augmenter with empty scratch.
    public init() {}

    /// Renders one view of `src` ([height, width, channels] uint8) with `params` into `out`
    /// ([channels, outHeight, outWidth] Float), normalised by `mean`/`std` (one value or one per channel).
    /// `src` may be a downscaled decode of the source (JPEG DCT scaling) for resampled views: the
    /// crop box (in source pixels) is then mapped by height / srcHeight and width / srcWidth.
    public func render(
        src: UnsafePointer<UInt8>, height H: Int, width W: Int, channels C: Int, params p: ViewParams,
        mean: [Float], std: [Float], into out: UnsafeMutablePointer<Float>
    ) throws {
        try render(
            src: src, height: H, width: W, channels: C, window: SourceWindow(fullHeight: H, fullWidth: W),
            params: p, mean: mean, std: std, into: out)
    }

    /// `render` from a window of the decoded source (a region-of-interest decode): `src` holds
    /// `H` x `W` pixels at (`window.top`, `window.left`) of the `window.fullHeight` x `window.fullWidth`
    /// decoded image. The window must contain every pixel the view's taps read.
    func render(
        src: UnsafePointer<UInt8>, height H: Int, width W: Int, channels C: Int, window: SourceWindow,
        params p: ViewParams, mean: [Float], std: [Float], into out: UnsafeMutablePointer<Float>
    ) throws {
        let fh = window.fullHeight
        let fw = window.fullWidth
        let whole = window.top == 0 && window.left == 0 && fh == H && fw == W
        let scaled = p.srcHeight != fh || p.srcWidth != fw
        guard (!scaled && whole) || (p.resampled && fh <= p.srcHeight && fw <= p.srcWidth && fh > 0 && fw > 0),
            p.outHeight > 0, p.outWidth > 0, C == 1 || C == 3
        else {
            throw StoreError.invalidArgument("view parameters are for a \(p.srcHeight)x\(p.srcWidth) image, got \(fh)x\(fw)x\(C)")
        }
        if p.resampled {
            guard p.top >= 0, p.left >= 0, p.height > 0, p.width > 0, p.top + p.height <= p.srcHeight, p.left + p.width <= p.srcWidth else {
                throw StoreError.invalidArgument(
                    "crop box (\(p.top), \(p.left), \(p.height), \(p.width)) outside a \(p.srcHeight)x\(p.srcWidth) image")
            }
        }
        guard mean.count == 1 || mean.count == C, std.count == 1 || std.count == C, !std.contains(0) else {
            throw StoreError.invalidArgument("normalisation needs 1 or \(C) means/stds (non-zero std), got \(mean.count)/\(std.count)")
        }
        let n = p.outHeight * p.outWidth
        if !hasColourOps(p, C) && p.resampled {
            // out = (v / 255 - m) / s = v * a + b
            var a = SIMD4<Float>()
            var b = SIMD4<Float>()
            for c in 0..<C {
                let inv = 1 / std[std.count == 1 ? 0 : c]
                let m = mean[mean.count == 1 ? 0 : c]
                a[c] = inv / 255
                b[c] = -m * inv
            }
            try resample(src, H, W, C, p, window, into: out, scale: a, offset: b)
            return
        }
        if fpix.count < n * C { fpix = [Float](repeating: 0, count: n * C) }
        try fpix.withUnsafeMutableBufferPointer { fb in
            let x = fb.baseAddress!
            if p.resampled {
                try resample(src, H, W, C, p, window, into: x, scale: SIMD4(repeating: 1 / 255), offset: SIMD4())
            } else {
                copyCrop(src, H, W, C, p, into: x)
            }
            colourAndWrite(x, C, p, mean: mean, std: std, out)
        }
    }

    /// Whether any colour op changes this view (otherwise only normalisation is applied).
    func hasColourOps(_ p: ViewParams, _ C: Int) -> Bool {
        if p.jittered && (p.brightness != 1 || p.contrast != 1 || (C == 3 && (p.saturation != 1 || p.hue != 0))) { return true }
        return (p.grayscale && C == 3) || p.blurSigma > 0 || p.solarized
    }

    /// Pad-crop / center crop: planar copy as values / 255, with zero fill and flip.
    func copyCrop(_ src: UnsafePointer<UInt8>, _ H: Int, _ W: Int, _ C: Int, _ p: ViewParams, into dst: UnsafeMutablePointer<Float>) {
        let oh = p.outHeight
        let ow = p.outWidth
        let n = oh * ow
        for oy in 0..<oh {
            let sy = p.top + oy
            for ox in 0..<ow {
                let sx = p.left + (p.flipped ? ow - 1 - ox : ox)
                let d = oy * ow + ox
                if sy < 0 || sy >= H || sx < 0 || sx >= W {
                    for c in 0..<C { dst[c * n + d] = 0 }
                } else {
                    let s = (sy * W + sx) * C
                    for c in 0..<C { dst[c * n + d] = Float(src[s + c]) * (1 / 255) }
                }
            }
        }
    }
}
