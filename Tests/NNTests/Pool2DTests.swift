import NN
import TensorCore
import TestSupport
import XCTest

final class Pool2DTests: XCTestCase {
    func testPoolLayersApplyTheirOps() {
        let x = GradientCheck.random([2, 3, 6, 6], seed: 4)
        var ctx = Context(training: true)
        var maxPool = Pool2D(.max, kernel: 3, stride: 2, padding: 1)
        var avgPool = Pool2D(.average, kernel: 2, stride: 2)
        XCTAssertEqual(maxPool.forward(x, context: &ctx).scalars, x.maxPool2d(kernel: 3, stride: 2, padding: 1).scalars)
        XCTAssertEqual(avgPool.forward(x, context: &ctx).scalars, x.avgPool2d(kernel: 2, stride: 2).scalars)
        XCTAssertEqual(maxPool.visitedParameterCount, 0)
    }
}
