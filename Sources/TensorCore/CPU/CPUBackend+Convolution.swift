import Kernels
import Support

/// Convolution (Winograd F(4×4, 3×3) for 3×3 stride-1 layers, im2col + SGEMM for the rest:
/// `Kernels/Convolution*.swift`) and pooling on the CPU.
extension CPUBackend {
    /// `Convolution.winogradForward` where `convolution` is `.fastest` and `Convolution.winogradApplies`,
    /// else `Convolution.forward`.
    public func convolution(_ x: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry) -> Tensor {
        let forward =
            usesWinograd(g) ? Convolution.winogradForward : { Convolution.forward($0, input: $1, weight: $2, bias: $3, output: $4) }
        return x.withUnsafeBufferPointer { px in
            weight.withUnsafeBufferPointer { pw in
                Tensor(shape: [g.batch, g.outputChannels, g.outputHeight, g.outputWidth]) { py in
                    if let bias {
                        bias.withUnsafeBufferPointer { pb in forward(g, px.baseAddress!, pw.baseAddress!, pb.baseAddress!, py.baseAddress!) }
                    } else {
                        forward(g, px.baseAddress!, pw.baseAddress!, nil, py.baseAddress!)
                    }
                }
            }
        }
    }

    /// `Convolution.winogradBackward` or `Convolution.backward`, as the forward pass chose (each overwrites
    /// every element of the gradients it computes).
    public func convolutionGradients(
        _ gradOutput: Tensor, x: Tensor, weight: Tensor, geometry g: ConvolutionGeometry, input: Bool, weights: Bool, bias: Bool
    ) -> (input: Tensor?, weight: Tensor?, bias: Tensor?) {
        var gx: Tensor? = input ? Tensor(shape: x.shape) { _ in } : nil
        var gw: Tensor? = weights ? Tensor(shape: weight.shape) { _ in } : nil
        var gb: Tensor? = bias ? Tensor(shape: [g.outputChannels]) { _ in } : nil
        x.withUnsafeBufferPointer { px in
            weight.withUnsafeBufferPointer { pw in
                gradOutput.withUnsafeBufferPointer { pg in
                    withOptionalMutablePointer(&gx) { dx in
                        withOptionalMutablePointer(&gw) { dw in
                            withOptionalMutablePointer(&gb) { db in
                                if usesWinograd(g) {
                                    Convolution.winogradBackward(
                                        g, input: px.baseAddress!, weight: pw.baseAddress!, gradOutput: pg.baseAddress!,
                                        gradInput: dx, gradWeight: dw, gradBias: db)
                                } else {
                                    Convolution.backward(
                                        g, input: px.baseAddress!, weight: pw.baseAddress!, gradOutput: pg.baseAddress!,
                                        gradInput: dx, gradWeight: dw, gradBias: db)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (gx, gw, gb)
    }

    /// Whether geometry `g` runs by Winograd.
    func usesWinograd(_ g: ConvolutionGeometry) -> Bool { convolution == .fastest && Convolution.winogradApplies(g) }

    /// `Pooling.maxForward`.
    public func maxPool(_ x: Tensor, geometry g: ConvolutionGeometry) -> (output: Tensor, argmax: [Int32]) {
        let shape: Shape = [g.batch, g.inputChannels, g.outputHeight, g.outputWidth]
        var argmax = [Int32](repeating: 0, count: shape.count)
        let out = x.withUnsafeBufferPointer { px in
            argmax.withUnsafeMutableBufferPointer { pi in
                Tensor(shape: shape) { py in Pooling.maxForward(g, input: px.baseAddress!, output: py.baseAddress!, argmax: pi.baseAddress!) }
            }
        }
        return (out, argmax)
    }

    /// `Pooling.maxBackward`.
    public func maxPoolGradient(_ gradOutput: Tensor, argmax: [Int32], geometry g: ConvolutionGeometry) -> Tensor {
        gradOutput.withUnsafeBufferPointer { pg in
            argmax.withUnsafeBufferPointer { pi in
                Tensor(shape: [g.batch, g.inputChannels, g.height, g.width]) { px in
                    Pooling.maxBackward(g, gradOutput: pg.baseAddress!, argmax: pi.baseAddress!, gradInput: px.baseAddress!)
                }
            }
        }
    }

    /// `Pooling.averageForward`.
    public func averagePool(_ x: Tensor, geometry g: ConvolutionGeometry) -> Tensor {
        x.withUnsafeBufferPointer { px in
            Tensor(shape: [g.batch, g.inputChannels, g.outputHeight, g.outputWidth]) { py in
                Pooling.averageForward(g, input: px.baseAddress!, output: py.baseAddress!)
            }
        }
    }

    /// `Pooling.averageBackward`.
    public func averagePoolGradient(_ gradOutput: Tensor, geometry g: ConvolutionGeometry) -> Tensor {
        gradOutput.withUnsafeBufferPointer { pg in
            Tensor(shape: [g.batch, g.inputChannels, g.height, g.width]) { px in
                Pooling.averageBackward(g, gradOutput: pg.baseAddress!, gradInput: px.baseAddress!)
            }
        }
    }

    /// Plane sums scaled by 1/hw, planes in parallel.
    public func planeMeans(_ x: Tensor, planes: Int, hw: Int, shape: Shape) -> Tensor {
        let inv = 1 / Float(Swift.max(hw, 1))
        return x.withUnsafeBufferPointer { px in
            let src = SendablePointer(px.baseAddress!)
            return Tensor(shape: shape) { py in
                let dst = SendablePointer(py.baseAddress!)
                parallelFor(planes, grain: Swift.max(1, 16384 / Swift.max(hw, 1))) { r in
                    for p in r {
                        var s: Float = 0
                        for i in 0..<hw { s += src[p * hw + i] }
                        dst[p] = s * inv
                    }
                }
            }
        }
    }

    /// Each plane filled with its gradient / hw, planes in parallel.
    public func planeMeansGradient(_ gradOutput: Tensor, planes: Int, hw: Int, shape: Shape) -> Tensor {
        let inv = 1 / Float(Swift.max(hw, 1))
        return gradOutput.withUnsafeBufferPointer { pg in
            let src = SendablePointer(pg.baseAddress!)
            return Tensor(shape: shape) { px in
                let dst = SendablePointer(px.baseAddress!)
                parallelFor(planes, grain: Swift.max(1, 16384 / Swift.max(hw, 1))) { r in
                    for p in r { (dst.base + p * hw).update(repeating: src[p] * inv, count: hw) }
                }
            }
        }
    }
}
