import Backbones
import NN
import Objectives
import Support
import TensorCore
import XCTest

/// SimSiam on a tiny ResNet: negative cosine of predictions against stop-gradient projections.
extension ObjectiveTests {
    func testSimSiamStopsTheGradientThroughTheTargets() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var simsiam = SimSiam(model: model, projectorHidden: 16, projectorOutput: 8, predictorHidden: 4, rng: &rng)
        let b = batch(views: 2)
        let (out, g) = try gradients(&simsiam, &model, b)
        XCTAssertEqual(out.terms.map(\.name), ["simsiam"])
        let loss = out.terms[0].value.scalar
        XCTAssertTrue(loss >= -1 && loss <= 1, "−½(cos + cos) lies in [−1, 1]: \(loss)")
        XCTAssertNotNil(out.metrics["z_std"])
        XCTAssertGreaterThan(g["objective.predictor.layers.0.weight"]!.abs().sum().scalar, 0)
        XCTAssertGreaterThan(g["objective.projector.layers.0.weight"]!.abs().sum().scalar, 0, "through the predictor branch")
        XCTAssertGreaterThan(g["conv1.weight"]!.abs().sum().scalar, 0)
        // The term is the pure loss on (p, z) of the same forward (its stop-gradient is checked by its fixtures).
        var m = model
        var s = simsiam
        var ctx = Context(training: true, rng: Philox(seed: 1))
        let z = b.views.map { v in s.projector.forward(m.features(v, context: &ctx), context: &ctx) }
        let p = z.map { s.predictor.forward($0, context: &ctx) }
        XCTAssertEqual(loss, SSLLosses.simsiam(predictions: (p[0], p[1]), targets: (z[0], z[1])).scalar, accuracy: 1e-5)
    }
}
