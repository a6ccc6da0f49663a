import Support

/// Naive direct convolution (seven nested loops), the reference the fast kernels are tested against.
extension Convolution {
    /// Direct-loop forward: `output[N, O, OH, OW]` (overwritten), bias optional.
    public static func naiveForward(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        let oh = g.outputHeight
        let ow = g.outputWidth
        let cg = g.groupInputChannels
        let og = g.groupOutputChannels
        for n in 0..<g.batch {
            for o in 0..<g.outputChannels {
                let grp = o / og
                for y in 0..<oh {
                    for x in 0..<ow {
                        var acc: Double = bias.map { Double($0[o]) } ?? 0
                        for cl in 0..<cg {
                            let c = grp * cg + cl
                            for kh in 0..<g.kernelHeight {
                                let ih = y * g.strideH - g.padH + kh * g.dilationH
                                if ih < 0 || ih >= g.height { continue }
                                for kw in 0..<g.kernelWidth {
                                    let iw = x * g.strideW - g.padW + kw * g.dilationW
                                    if iw < 0 || iw >= g.width { continue }
                                    let xv = input[((n * g.inputChannels + c) * g.height + ih) * g.width + iw]
                                    let wv = weight[((o * cg + cl) * g.kernelHeight + kh) * g.kernelWidth + kw]
                                    acc += Double(xv) * Double(wv)
                                }
                            }
                        }
                        output[((n * g.outputChannels + o) * oh + y) * ow + x] = Float(acc)
                    }
                }
            }
        }
    }

    /// Direct-loop backward: all three gradients (each overwritten).
    public static func naiveBackward(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>,
        gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>
    ) {
        let oh = g.outputHeight
        let ow = g.outputWidth
        let cg = g.groupInputChannels
        let og = g.groupOutputChannels
        gradInput.update(repeating: 0, count: g.batch * g.inputChannels * g.height * g.width)
        gradWeight.update(repeating: 0, count: g.outputChannels * g.columnRows)
        gradBias.update(repeating: 0, count: g.outputChannels)
        for n in 0..<g.batch {
            for o in 0..<g.outputChannels {
                let grp = o / og
                for y in 0..<oh {
                    for x in 0..<ow {
                        let gy = gradOutput[((n * g.outputChannels + o) * oh + y) * ow + x]
                        gradBias[o] += gy
                        for cl in 0..<cg {
                            let c = grp * cg + cl
                            for kh in 0..<g.kernelHeight {
                                let ih = y * g.strideH - g.padH + kh * g.dilationH
                                if ih < 0 || ih >= g.height { continue }
                                for kw in 0..<g.kernelWidth {
                                    let iw = x * g.strideW - g.padW + kw * g.dilationW
                                    if iw < 0 || iw >= g.width { continue }
                                    let xi = ((n * g.inputChannels + c) * g.height + ih) * g.width + iw
                                    let wi = ((o * cg + cl) * g.kernelHeight + kh) * g.kernelWidth + kw
                                    gradInput[xi] += gy * weight[wi]
                                    gradWeight[wi] += gy * input[xi]
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
