import Backbones
import NN
import Support
import TensorCore
import TestSupport
import XCTest

final class ProjectionHeadTests: XCTestCase {
    func testProjectorPredictorAndClassifierLayouts() {
        var rng = Philox(seed: 1)
        var projector = ProjectionHead(inputCount: 8, hiddenCount: 16, outputCount: 4, layerCount: 3, batchNorm: true, lastBatchNorm: true, rng: &rng)
        XCTAssertEqual(projector.visitedParameterCount, reflectedCount(of: Parameter.self, in: projector))
        let paths = Set(projector.namedParameters.map(\.path))
        XCTAssertTrue(
            paths.isSuperset(of: ["layers.0.weight", "layers.1.running_mean", "layers.3.weight", "layers.6.weight", "layers.7.bias"]),
            "\(paths.sorted())")
        XCTAssertFalse(paths.contains("layers.0.bias"), "no bias before BN")
        var ctx = Context(training: true)
        XCTAssertEqual(projector.forward(GradientCheck.random([4, 8], seed: 1), context: &ctx).shape, [4, 4])
        let predictor = ProjectionHead(inputCount: 4, hiddenCount: 16, outputCount: 4, rng: &rng)
        XCTAssertEqual(predictor.parameterCount, 4 * 16 + 16 + 16 + 16 * 4 + 4)
        var linear = ProjectionHead.linearClassifier(inputCount: 8, classCount: 3, rng: &rng)
        XCTAssertEqual(Set(linear.namedParameters.map(\.path)), ["layers.0.weight", "layers.0.bias"])
        XCTAssertEqual(linear.forward(GradientCheck.random([2, 8], seed: 2), context: &ctx).shape, [2, 3])
    }
}
