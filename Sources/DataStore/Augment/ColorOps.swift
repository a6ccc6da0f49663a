import CDataStore
import Foundation

/// Per-pixel colour and neighbourhood ops on planar Float images in [0, 1] (torchvision tensor
/// semantics). The loops are plain scalar loops over buffer pointers with no calls or branches, so
/// LLVM vectorises them under -O; `lo`/`hi` are written as `a < b ? a : b` / `a > b ? a : b`, the
/// exact semantics of SSE `minps`/`maxps` (Swift's `max` is `y >= x ? y : x`, which needs a compare
/// and a blend per lane instead).
enum ColorOps {
    /// min(a, b) as one `minps` lane.
    @inline(__always) static func lo(_ a: Float, _ b: Float) -> Float { a < b ? a : b }
    /// max(a, b) as one `maxps` lane.
    @inline(__always) static func hi(_ a: Float, _ b: Float) -> Float { a > b ? a : b }
    /// Clamp to [0, 1].
    @inline(__always) static func unit(_ a: Float) -> Float { lo(hi(a, 0), 1) }

    /// x = clamp(a x + b, 0, 1) over `C` planes of `n` pixels (brightness: b = 0; contrast:
    /// b = (1 - a) mean), in place or normalised into `sink` (C kernel, AVX2 when available).
    static func affine(_ x: UnsafeMutablePointer<Float>, pixels n: Int, channels C: Int, _ a: Float, _ b: Float, sink: PlaneSink?) {
        withSink(sink) { out, m, s in rtk_affine(x, n, Int32(C), a, b, out, m, s, 0) }
    }

    /// Calls `body` with the sink's output, mean and 1 / std pointers (nil when writing in place).
    @inline(__always)
    static func withSink(_ sink: PlaneSink?, _ body: (UnsafeMutablePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?) -> Void) {
        guard let s = sink else { return body(nil, nil, nil) }
        withUnsafeBytes(of: s.mean) { m in
            withUnsafeBytes(of: s.invStd) { v in
                body(s.out, m.baseAddress!.assumingMemoryBound(to: Float.self), v.baseAddress!.assumingMemoryBound(to: Float.self))
            }
        }
    }

    /// Mean of the grayscale image (0.2989 R + 0.587 G + 0.114 B, or the only channel) of planar
    /// `x` with `n` pixels per channel (C kernel `rtk_gray_mean`, AVX2 when available; the sums run
    /// in the order of the former Swift loop: four 4-lane accumulators per channel, see the kernel).
    static func grayMean(_ x: UnsafePointer<Float>, pixels n: Int, channels C: Int) -> Float {
        rtk_gray_mean(x, n, Int32(C), 0)
    }

    /// torchvision `adjust_saturation`: blend with the grayscale image, clamped (C kernel).
    static func saturate(_ x: UnsafeMutablePointer<Float>, pixels n: Int, by f: Float, sink: PlaneSink?) {
        withSink(sink) { out, m, s in rtk_saturate(x, n, f, out, m, s, 0) }
    }

    /// torchvision `rgb_to_grayscale` kept as 3 equal channels (C kernel).
    static func grayscale(_ x: UnsafeMutablePointer<Float>, pixels n: Int, sink: PlaneSink?) {
        withSink(sink) { out, m, s in rtk_grayscale(x, n, out, m, s, 0) }
    }

    /// Solarize: x >= t becomes 1 - x.
    static func solarize(_ x: UnsafeMutablePointer<Float>, pixels n: Int, channels C: Int, threshold t: Float, sink: PlaneSink?) {
        guard let s = sink else {
            for i in 0..<(n * C) {
                let v = x[i]
                x[i] = v >= t ? 1 - v : v
            }
            return
        }
        for c in 0..<C {
            let xc = x + c * n
            let o = s.out + c * n
            let m = s.mean[c]
            let inv = s.invStd[c]
            for i in 0..<n {
                let v = xc[i]
                o[i] = ((v >= t ? 1 - v : v) - m) * inv
            }
        }
    }

    /// Normalisation of `C` planes into the sink: o = (x - mean) * invStd.
    static func normalise(_ x: UnsafePointer<Float>, pixels n: Int, channels C: Int, into s: PlaneSink) {
        for c in 0..<C {
            let xc = x + c * n
            let o = s.out + c * n
            let m = s.mean[c]
            let inv = s.invStd[c]
            for i in 0..<n { o[i] = (xc[i] - m) * inv }
        }
    }

    /// torchvision `adjust_hue`: RGB -> HSV, h = (h + shift) mod 1, HSV -> RGB, on the planar R, G, B
    /// planes of `pixels` each, branch-free (see `rtk_hue` in Sources/CDataStore/pixel_kernels.c):
    /// the hottest op of the SSL pipeline, run by a C kernel with an AVX2 path.
    static func shiftHue(_ x: UnsafeMutablePointer<Float>, pixels n: Int, by shift: Float, sink: PlaneSink?) {
        withSink(sink) { out, m, s in rtk_hue(x, n, shift, out, m, s, 0) }
    }
}
