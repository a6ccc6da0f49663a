extension Augmenter {
    /// Colour ops in torchvision order on the planar uint8 view, then normalisation into `out` (CHW).
    func colourAndWrite(_ C: Int, _ p: ViewParams, mean: [Float], std: [Float], _ out: UnsafeMutablePointer<Float>) throws {
        let n = p.outHeight * p.outWidth
        var floatMode = false
        let weights: [Float] = C == 1 ? [1] : [0.2989, 0.587, 0.114]
        lut.withUnsafeMutableBufferPointer { l in for c in 0..<C { for v in 0..<256 { l[c * 256 + v] = Float(v) * (1 / 255) } } }

        func toFloat() {
            if floatMode { return }
            floatMode = true
            if fpix.count < n * C { fpix = [Float](repeating: 0, count: n * C) }
            u8.withUnsafeBufferPointer { u in lut.withUnsafeBufferPointer { l in fpix.withUnsafeMutableBufferPointer { f in
                for c in 0..<C {
                    let lc = l.baseAddress! + c * 256
                    for i in 0..<n { f[c * n + i] = lc[Int(u[c * n + i])] }
                }
            }}}
        }
        func affine(_ a: Float, _ b: Float) {
            if floatMode {
                fpix.withUnsafeMutableBufferPointer { f in for i in 0..<(n * C) { f[i] = min(max(a * f[i] + b, 0), 1) } }
            } else {
                lut.withUnsafeMutableBufferPointer { l in for i in 0..<(C * 256) { l[i] = min(max(a * l[i] + b, 0), 1) } }
            }
        }
        func grayMean() -> Float {
            if floatMode {
                return fpix.withUnsafeBufferPointer { f in
                    var s: Float = 0
                    for c in 0..<C {
                        // Four SIMD4 accumulators: a serial float sum does not vectorise.
                        let fc = UnsafeRawPointer(f.baseAddress! + c * n)
                        var a0 = SIMD4<Float>(), a1 = SIMD4<Float>(), a2 = SIMD4<Float>(), a3 = SIMD4<Float>()
                        var i = 0
                        while i + 16 <= n {
                            a0 += fc.loadUnaligned(fromByteOffset: 4 * i, as: SIMD4<Float>.self)
                            a1 += fc.loadUnaligned(fromByteOffset: 4 * i + 16, as: SIMD4<Float>.self)
                            a2 += fc.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD4<Float>.self)
                            a3 += fc.loadUnaligned(fromByteOffset: 4 * i + 48, as: SIMD4<Float>.self)
                            i += 16
                        }
                        var sc = ((a0 + a1) + (a2 + a3)).sum()
                        while i < n { sc += f[c * n + i]; i += 1 }
                        s += weights[c] * sc
                    }
                    return s / Float(n)
                }
            }
            // LUT mode: mean over pixels of the current LUT values (gather-sum; no histogram,
            // whose read-modify-write chain is slower for small images).
            var s: Double = 0
            u8.withUnsafeBufferPointer { u in lut.withUnsafeBufferPointer { l in
                for c in 0..<C {
                    let lc = l.baseAddress! + c * 256, uc = u.baseAddress! + c * n
                    var a0: Float = 0, a1: Float = 0, a2: Float = 0, a3: Float = 0
                    var i = 0
                    while i + 4 <= n {
                        a0 += lc[Int(uc[i])]; a1 += lc[Int(uc[i + 1])]; a2 += lc[Int(uc[i + 2])]; a3 += lc[Int(uc[i + 3])]
                        i += 4
                    }
                    while i < n { a0 += lc[Int(uc[i])]; i += 1 }
                    s += Double(weights[c]) * Double((a0 + a1) + (a2 + a3))
                }
            }}
            return Float(s / Double(n))
        }

        if p.jittered {
            for slot in 0..<4 {
                let op = Int((p.jitterOrder >> (4 * UInt16(slot))) & 0xF)
                switch op {
                case 0 where p.brightness != 1: affine(p.brightness, 0)
                case 1 where p.contrast != 1:
                    let m = grayMean()
                    affine(p.contrast, (1 - p.contrast) * m)
                case 2 where p.saturation != 1 && C == 3:
                    toFloat()
                    let f = p.saturation
                    fpix.withUnsafeMutableBufferPointer { x in
                        let r = x.baseAddress!, g = r + n, b = r + 2 * n
                        for i in 0..<n {
                            let gray = (1 - f) * (0.2989 * r[i] + 0.587 * g[i] + 0.114 * b[i])
                            r[i] = min(max(f * r[i] + gray, 0), 1)
                            g[i] = min(max(f * g[i] + gray, 0), 1)
                            b[i] = min(max(f * b[i] + gray, 0), 1)
                        }
                    }
                case 3 where p.hue != 0 && C == 3:
                    toFloat()
                    fpix.withUnsafeMutableBufferPointer { x in ColorOps.shiftHue(x.baseAddress!, pixels: n, by: p.hue) }
                default: break
                }
            }
        }
        if p.grayscale && C == 3 {
            toFloat()
            fpix.withUnsafeMutableBufferPointer { x in
                let r = x.baseAddress!, g = r + n, b = r + 2 * n
                for i in 0..<n {
                    let v = 0.2989 * r[i] + 0.587 * g[i] + 0.114 * b[i]
                    r[i] = v; g[i] = v; b[i] = v
                }
            }
        }
        if p.blurSigma > 0 {
            toFloat()
            fpix.withUnsafeMutableBufferPointer { x in
                for c in 0..<C {
                    ColorOps.gaussianBlur(x.baseAddress! + c * n, height: p.outHeight, width: p.outWidth, kernel: p.blurKernel, sigma: p.blurSigma)
                }
            }
        }
        if p.solarized {
            let t = p.solarizeThreshold
            if floatMode {
                fpix.withUnsafeMutableBufferPointer { f in for i in 0..<(n * C) where f[i] >= t { f[i] = 1 - f[i] } }
            } else {
                lut.withUnsafeMutableBufferPointer { l in for i in 0..<(C * 256) where l[i] >= t { l[i] = 1 - l[i] } }
            }
        }
        // Normalise and write CHW.
        for c in 0..<C {
            let m = mean[mean.count == 1 ? 0 : c], inv = 1 / std[std.count == 1 ? 0 : c]
            let o = out + c * n
            if floatMode {
                fpix.withUnsafeBufferPointer { f in
                    let fc = f.baseAddress! + c * n
                    for i in 0..<n { o[i] = (fc[i] - m) * inv }
                }
            } else {
                lut.withUnsafeMutableBufferPointer { l in for v in 0..<256 { l[c * 256 + v] = (l[c * 256 + v] - m) * inv } }
                u8.withUnsafeBufferPointer { u in lut.withUnsafeBufferPointer { l in
                    let lc = l.baseAddress! + c * 256, uc = u.baseAddress! + c * n
                    for i in 0..<n { o[i] = lc[Int(uc[i])] }
                }}
            }
        }
    }
}
