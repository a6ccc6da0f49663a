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
                            let plane = input + (n * g.inputChannels + grp * cg + cl) * g.height * g.width
                            let taps = weight + (o * cg + cl) * g.kernelHeight * g.kernelWidth
                            g.forEachTap(y: y, x: x) { t, i in acc += Double(plane[i]) * Double(taps[t]) }
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
                            let plane = (n * g.inputChannels + grp * cg + cl) * g.height * g.width
                            let taps = (o * cg + cl) * g.kernelHeight * g.kernelWidth
                            g.forEachTap(y: y, x: x) { t, i in
                                gradInput[plane + i] += gy * weight[taps + t]
                                gradWeight[taps + t] += gy * input[plane + i]
                            }
                        }
                    }
                }
            }
        }
    }
}
