import Support

/// 2-D max and average pooling over NCHW planes (PyTorch semantics, floor mode). The geometry's
/// channel counts are equal (C = O) and weights are unused; each (image, channel) plane is one task.
public enum Pooling {
    /// Max pooling: `output[N, C, OH, OW]` and the flat in-plane index of each maximum (`argmax`);
    /// padding counts as −∞. A window entirely in padding yields −∞ and index −1.
    public static func maxForward(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>
    ) {
        let oh = g.outputHeight
        let ow = g.outputWidth
        let hw = g.height * g.width
        let src = SendablePointer(input)
        let dst = SendablePointer(output)
        let idx = SendablePointer(argmax)
        parallelFor(g.batch * g.inputChannels, grain: max(1, 4096 / max(hw, 1))) { range in
            for p in range {
                let plane = src.base + p * hw
                let out = dst.base + p * oh * ow
                let ix = idx.base + p * oh * ow
                for y in 0..<oh {
                    for x in 0..<ow {
                        var best = -Float.infinity
                        var at: Int32 = -1
                        for kh in 0..<g.kernelHeight {
                            let ih = y * g.strideH - g.padH + kh * g.dilationH
                            if ih < 0 || ih >= g.height { continue }
                            for kw in 0..<g.kernelWidth {
                                let iw = x * g.strideW - g.padW + kw * g.dilationW
                                if iw < 0 || iw >= g.width { continue }
                                let v = plane[ih * g.width + iw]
                                if v > best || at < 0 || v.isNaN {
                                    best = v
                                    at = Int32(ih * g.width + iw)
                                }
                            }
                        }
                        out[y * ow + x] = best
                        ix[y * ow + x] = at
                    }
                }
            }
        }
    }

    /// Max pooling backward: `gradInput` (overwritten) receives each output gradient at its argmax.
    public static func maxBackward(
        _ g: ConvolutionGeometry, gradOutput: UnsafePointer<Float>, argmax: UnsafePointer<Int32>,
        gradInput: UnsafeMutablePointer<Float>
    ) {
        let ohw = g.outputHeight * g.outputWidth
        let hw = g.height * g.width
        let gy = SendablePointer(gradOutput)
        let idx = SendablePointer(argmax)
        let gx = SendablePointer(gradInput)
        parallelFor(g.batch * g.inputChannels, grain: max(1, 4096 / max(hw, 1))) { range in
            for p in range {
                let plane = gx.base + p * hw
                plane.update(repeating: 0, count: hw)
                for i in 0..<ohw {
                    let at = Int(idx[p * ohw + i])
                    if at >= 0 { plane[at] += gy[p * ohw + i] }
                }
            }
        }
    }

    /// Average pooling with zero padding counted in the divisor (PyTorch `count_include_pad=True`):
    /// every window divides by KH·KW.
    public static func averageForward(_ g: ConvolutionGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let oh = g.outputHeight
        let ow = g.outputWidth
        let hw = g.height * g.width
        let scale = 1 / Float(g.kernelHeight * g.kernelWidth)
        let src = SendablePointer(input)
        let dst = SendablePointer(output)
        parallelFor(g.batch * g.inputChannels, grain: max(1, 4096 / max(hw, 1))) { range in
            for p in range {
                let plane = src.base + p * hw
                let out = dst.base + p * oh * ow
                for y in 0..<oh {
                    for x in 0..<ow {
                        var s: Float = 0
                        for kh in 0..<g.kernelHeight {
                            let ih = y * g.strideH - g.padH + kh * g.dilationH
                            if ih < 0 || ih >= g.height { continue }
                            for kw in 0..<g.kernelWidth {
                                let iw = x * g.strideW - g.padW + kw * g.dilationW
                                if iw < 0 || iw >= g.width { continue }
                                s += plane[ih * g.width + iw]
                            }
                        }
                        out[y * ow + x] = s * scale
                    }
                }
            }
        }
    }

    /// Average pooling backward: `gradInput` (overwritten).
    public static func averageBackward(_ g: ConvolutionGeometry, gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>) {
        let oh = g.outputHeight
        let ow = g.outputWidth
        let hw = g.height * g.width
        let scale = 1 / Float(g.kernelHeight * g.kernelWidth)
        let gy = SendablePointer(gradOutput)
        let gx = SendablePointer(gradInput)
        parallelFor(g.batch * g.inputChannels, grain: max(1, 4096 / max(hw, 1))) { range in
            for p in range {
                let plane = gx.base + p * hw
                let grad = gy.base + p * oh * ow
                plane.update(repeating: 0, count: hw)
                for y in 0..<oh {
                    for x in 0..<ow {
                        let v = grad[y * ow + x] * scale
                        for kh in 0..<g.kernelHeight {
                            let ih = y * g.strideH - g.padH + kh * g.dilationH
                            if ih < 0 || ih >= g.height { continue }
                            for kw in 0..<g.kernelWidth {
                                let iw = x * g.strideW - g.padW + kw * g.dilationW
                                if iw < 0 || iw >= g.width { continue }
                                plane[ih * g.width + iw] += v
                            }
                        }
                    }
                }
            }
        }
    }
}
