import Backbones
import NN
import Objectives
import Support
import TensorCore
import XCTest

/// SimCLR on a tiny ResNet: the loss is NT-Xent of the projections, and gradients reach the
/// backbone and projector while the online probe learns on detached features only.
extension ObjectiveTests {
    func testSimCLRTrainsBackboneAndProjectorThroughNTXent() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var simclr = SimCLR(model: model, projectorHidden: 16, projectorOutput: 8, temperature: 0.2, probeClasses: 3, rng: &rng)
        let b = batch(views: 2)
        let (out, g) = try gradients(&simclr, &model, b)
        XCTAssertEqual(out.terms.map(\.name), ["simclr", "probe"])
        // The term is the pure loss on the projections of the two views (same forward, same value).
        var m = model
        var s = simclr
        var ctx = Context(training: true, rng: Philox(seed: 1))
        let z = b.views.map { v in s.projector.forward(m.features(v, context: &ctx), context: &ctx) }
        XCTAssertEqual(out.terms[0].value.scalar, ContrastiveLosses.ntXent(z[0], z[1], temperature: 0.2).scalar, accuracy: 1e-5)
        XCTAssertGreaterThan(g["conv1.weight"]!.abs().sum().scalar, 0)
        XCTAssertGreaterThan(g["objective.projector.layers.0.weight"]!.abs().sum().scalar, 0)
        // The probe's gradient does not reach the backbone: without the probe term the backbone gradient is unchanged.
        var noProbe = simclr
        noProbe.probe = nil
        let (_, g2) = try gradients(&noProbe, &model, b)
        XCTAssertEqual(g["conv1.weight"]!.scalars, g2["conv1.weight"]!.scalars)
        XCTAssertThrowsError(try gradients(&simclr, &model, batch(views: 1)))
    }
}
