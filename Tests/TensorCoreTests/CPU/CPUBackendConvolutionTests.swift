import Kernels
import Support
import TensorCore
import TestSupport
import XCTest

/// The CPU backend's convolution algorithm choice: `.fastest` runs Winograd on a 3×3 stride-1 layer of 16+
/// channels (forward and gradients the same bits as the Winograd kernels), `.im2col` runs im2col + SGEMM
/// there (the same bits as `Convolution.forward`/`backward`); a strided layer runs im2col either way.
final class CPUBackendConvolutionTests: XCTestCase {
    func compute(_ backend: CPUBackend, _ g: ConvolutionGeometry) -> [[Float]] {
        let x = TestTensors.randn([g.batch, g.inputChannels, g.height, g.width], seed: 1)
        let w = TestTensors.randn([g.outputChannels, g.inputChannels, 3, 3], seed: 2, scale: 0.1)
        let y = backend.convolution(x, weight: w, bias: nil, geometry: g)
        let gy = TestTensors.randn(y.shape, seed: 3)
        let (dx, dw, _) = backend.convolutionGradients(gy, x: x, weight: w, geometry: g, input: true, weights: true, bias: false)
        return [y.scalars, dx!.scalars, dw!.scalars]
    }

    func kernels(_ g: ConvolutionGeometry, winograd: Bool) -> [[Float]] {
        let x = TestTensors.randn([g.batch, g.inputChannels, g.height, g.width], seed: 1).scalars
        let w = TestTensors.randn([g.outputChannels, g.inputChannels, 3, 3], seed: 2, scale: 0.1).scalars
        var y = [Float](repeating: 0, count: g.batch * g.outputChannels * g.outputHeight * g.outputWidth)
        if winograd {
            Convolution.winogradForward(g, input: x, weight: w, bias: nil, output: &y)
        } else {
            Convolution.forward(g, input: x, weight: w, bias: nil, output: &y)
        }
        let gy = TestTensors.randn([g.batch, g.outputChannels, g.outputHeight, g.outputWidth], seed: 3).scalars
        var dx = [Float](repeating: 0, count: x.count)
        var dw = [Float](repeating: 0, count: w.count)
        if winograd {
            Convolution.winogradBackward(g, input: x, weight: w, gradOutput: gy, gradInput: &dx, gradWeight: &dw, gradBias: nil)
        } else {
            Convolution.backward(g, input: x, weight: w, gradOutput: gy, gradInput: &dx, gradWeight: &dw, gradBias: nil)
        }
        return [y, dx, dw]
    }

    func testTheAlgorithmSettingPicksTheKernels() {
        let g = ConvolutionGeometry(
            batch: 4, inputChannels: 16, height: 8, width: 8, outputChannels: 16, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1)
        XCTAssertEqual(compute(CPUBackend(), g), kernels(g, winograd: true))
        XCTAssertEqual(compute(CPUBackend(convolution: .im2col), g), kernels(g, winograd: false))
        XCTAssertNotEqual(kernels(g, winograd: true), kernels(g, winograd: false))
        var strided = g
        strided.strideH = 2
        strided.strideW = 2
        XCTAssertEqual(compute(CPUBackend(), strided), kernels(strided, winograd: false))
    }
}
