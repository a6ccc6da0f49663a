import Kernels
import Support
import XCTest

final class ConvolutionKernelTests: XCTestCase {
    func testIm2colMatchesDefinitionWithPadding() {
        // One 3x3 image, 2x2 kernel, padding 1, stride 2: OH = OW = 2.
        let g = ConvolutionGeometry(
            batch: 1, inputChannels: 1, height: 3, width: 3, outputChannels: 1,
            kernelHeight: 2, kernelWidth: 2, strideH: 2, strideW: 2, padH: 1, padW: 1)
        let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        var col = [Float](repeating: -1, count: 4 * 4)
        Convolution.im2col(g, input: x, firstImage: 0, imageCount: 1, group: 0, col: &col)
        // rows (kh, kw), columns (oh, ow); input index (2·oh − 1 + kh, 2·ow − 1 + kw).
        XCTAssertEqual(col, [0, 0, 0, 5, 0, 0, 4, 6, 0, 2, 0, 8, 1, 3, 7, 9])
    }

    func testCol2imIsTheAdjointOfIm2col() {
        // <im2col(x), c> == <x, col2im(c)> for random x, c.
        let g = ConvolutionGeometry(
            batch: 3, inputChannels: 4, height: 6, width: 5, outputChannels: 4,
            kernelHeight: 3, kernelWidth: 2, strideH: 2, strideW: 1, padH: 1, padW: 1,
            dilationH: 1, dilationW: 2, groups: 2)
        var rng = Philox(seed: 5)
        let x = (0..<(3 * 4 * 30)).map { _ in rng.nextNormal() }
        let cols = g.columnRows * 3 * g.outputHeight * g.outputWidth
        for group in 0..<2 {
            let c = (0..<cols).map { _ in rng.nextNormal() }
            var col = [Float](repeating: 0, count: cols)
            Convolution.im2col(g, input: x, firstImage: 0, imageCount: 3, group: group, col: &col)
            var back = [Float](repeating: 0, count: x.count)
            Convolution.col2im(g, col: c, firstImage: 0, imageCount: 3, group: group, gradInput: &back)
            XCTAssertTrue(col.contains { $0 != 0 } && back.contains { $0 != 0 }, "im2col and col2im wrote their outputs")
            let lhs = zip(col, c).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let rhs = zip(x, back).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            XCTAssertEqual(lhs, rhs, accuracy: 1e-3 * max(1, abs(lhs)))
        }
    }
}
