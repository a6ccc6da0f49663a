extension Augmenter {
    /// Colour ops in torchvision order on the planar Float view `x` (values in [0, 1], `C` planes
    /// of `n` pixels), then normalisation into `out` (CHW). Every op is one vectorised pass over the
    /// view, which stays in L1 for small views; ops with identity parameters are skipped.
    func colourAndWrite(_ x: UnsafeMutablePointer<Float>, _ C: Int, _ p: ViewParams, mean: [Float], std: [Float],
                        _ out: UnsafeMutablePointer<Float>) {
        let n = p.outHeight * p.outWidth
        if p.jittered {
            for slot in 0..<4 {
                switch Int((p.jitterOrder >> (4 * UInt16(slot))) & 0xF) {
                case 0 where p.brightness != 1:
                    ColorOps.affine(x, count: n * C, p.brightness, 0)
                case 1 where p.contrast != 1:
                    let m = ColorOps.grayMean(x, pixels: n, channels: C)
                    ColorOps.affine(x, count: n * C, p.contrast, (1 - p.contrast) * m)
                case 2 where p.saturation != 1 && C == 3:
                    ColorOps.saturate(x, pixels: n, by: p.saturation)
                case 3 where p.hue != 0 && C == 3:
                    ColorOps.shiftHue(x, pixels: n, by: p.hue)
                default: break
                }
            }
        }
        if p.grayscale && C == 3 { ColorOps.grayscale(x, pixels: n) }
        if p.blurSigma > 0 {
            for c in 0..<C {
                ColorOps.gaussianBlur(x + c * n, height: p.outHeight, width: p.outWidth, kernel: p.blurKernel, sigma: p.blurSigma)
            }
        }
        if p.solarized { ColorOps.solarize(x, count: n * C, threshold: p.solarizeThreshold) }
        for c in 0..<C {
            let m = mean[mean.count == 1 ? 0 : c], inv = 1 / std[std.count == 1 ? 0 : c]
            ColorOps.normalise(x + c * n, count: n, mean: m, invStd: inv, into: out + c * n)
        }
    }
}
