import Backbones
import Foundation
import NN
import Objectives
import Support
import TensorCore
import XCTest

/// DeCLIP on a tiny ResNet and text tower: its four terms and weights, the nearest-neighbour queue
/// (looked up before the batch is enqueued, saved as state), and MLM on the chosen positions only.
extension ObjectiveTests {
    func tinyDeCLIP(_ model: Net, queue: Int = 16) -> DeCLIP<Net> {
        var rng = Philox(seed: 4)
        return DeCLIP(
            clip: tinyCLIP(model), model: model, projectorHidden: 8, projectorOutput: 8, predictorHidden: 4,
            queueLength: queue, rng: &rng)
    }

    func declipBatch(n: Int = 4) -> TrainingBatch {
        var b = textBatch(n: n)
        b.views = batch(views: 2, n: n).views
        b.viewInfo = batch(views: 2, n: n).viewInfo
        let ids = b.text!.ids.scalars
        // EDA copy: the first two words swapped; MLM: the second position masked (id 3), its target kept.
        var augmented = ids
        var masked = ids
        var targets = [Int32](repeating: -1, count: ids.count)
        for r in 0..<n {
            augmented.swapAt(r * 6 + 1, r * 6 + 2)
            targets[r * 6 + 1] = ids[r * 6 + 1]
            masked[r * 6 + 1] = 3
        }
        b.text = TextBatch(
            ids: b.text!.ids, augmentedIDs: IntTensor(shape: [n, 6], scalars: augmented),
            maskedIDs: IntTensor(shape: [n, 6], scalars: masked), maskTargets: IntTensor(shape: [n, 6], scalars: targets))
        return b
    }

    func testDeCLIPHasFourWeightedTermsAndTrainsEveryPart() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var declip = tinyDeCLIP(model)
        let (out, g) = try gradients(&declip, &model, declipBatch())
        XCTAssertEqual(out.terms.map(\.name), ["clip", "nns", "simsiam", "mlm"])
        XCTAssertEqual(out.terms.map(\.weight), [0.4, 0.2, 0.2, 0.2])
        XCTAssertTrue(out.terms.allSatisfy { $0.value.scalar.isFinite })
        for key in [
            "objective.logit_scale", "objective.image_projection.weight", "objective.text.token_embedding.weight",
            "objective.simsiam.projector.layers.0.weight", "objective.simsiam.predictor.layers.0.weight",
            "objective.mlm_head.weight", "conv1.weight",
        ] {
            XCTAssertGreaterThan(try XCTUnwrap(g[key], key).abs().sum().scalar, 0, key)
        }
        // Both captions of the 4 samples were enqueued after the lookup.
        XCTAssertEqual(declip.queuePointer, 8)
        let rows = declip.queue.slice(alongAxis: 0, 0..<8)
        for norm in rows.squared().sum(alongAxes: [1]).sqrt().scalars { XCTAssertEqual(norm, 1, accuracy: 1e-5) }
    }

    func testDeCLIPLooksUpNeighboursBeforeEnqueueingAndSavesTheQueue() throws {
        let model = tinyNet(classes: nil, seed: 1)
        var declip = tinyDeCLIP(model, queue: 3)
        // A known queue: the three unit axes of the first three dimensions.
        var q = [Float](repeating: 0, count: 18)
        q[0] = 1
        q[6 + 1] = 1
        q[12 + 2] = 1
        var state = declip.state
        state.tensors["nn_queue"] = Tensor(shape: [3, 6], scalars: q)
        state.integers["nn_queue_pointer"] = Int64Tensor(shape: [1], scalars: [2])
        try declip.loadState(state, file: "s")
        let texts = Tensor(shape: [2, 6], scalars: [0, 0.2, 3, 0, 0, 0, -1, 5, 0, 0, 0, 1])
        XCTAssertEqual(declip.nearest(texts).scalars, [0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0])
        // A batch of 2 does not fit after row 2: it restarts at row 0 (lightly's bank).
        var m = model
        var ctx = Context(training: true, rng: Philox(seed: 1))
        _ = try declip.losses(model: &m, batch: declipBatch(n: 2), progress: TrainingProgress(step: 0, totalSteps: 1, epoch: 0), context: &ctx)
        XCTAssertEqual(declip.queuePointer, 2, "t enqueued at rows 0-1, then t' (2 rows) wrapped to row 0 again")
        // Round trip, and errors name the key.
        var copy = tinyDeCLIP(model, queue: 3)
        try copy.loadState(declip.state, file: "s")
        XCTAssertEqual(copy.queue.scalars, declip.queue.scalars)
        XCTAssertEqual(copy.queuePointer, declip.queuePointer)
        var other = tinyDeCLIP(model, queue: 5)
        XCTAssertThrowsError(try other.loadState(declip.state, file: "x.safetensors")) { e in
            XCTAssertTrue("\(e)".contains("nn_queue"), "\(e)")
        }
    }

    func testDeCLIPMLMIsTheCrossEntropyOfTheChosenPositions() throws {
        let model = tinyNet(classes: nil, seed: 1)
        var declip = tinyDeCLIP(model)
        let b = declipBatch(n: 3)
        var ctx = Context(training: true, rng: Philox(seed: 1))
        let text = b.text!
        let loss = declip.maskedLanguageModelling(text.maskedIDs!, targets: text.maskTargets!, padding: 0, context: &ctx)
        // By hand: the tower's last block on the masked ids, ln_final, the head, CE at positions r*6+1.
        var ctx2 = Context(training: true, rng: Philox(seed: 1))
        let mask = Tensor(shape: [3, 6], scalars: text.maskedIDs!.scalars.map { $0 == 0 ? 0 : 1 })
        let tokens = declip.clip.textTower.extract(text.maskedIDs!, mask: mask, context: &ctx2).intermediates.last!
        let rows = declip.clip.textTower.finalNorm(tokens).reshaped(to: [18, 8]).indexSelect(alongAxis: 0, IntTensor([1, 7, 13]))
        let expected = Tensor.crossEntropy(logits: declip.mlmHead(rows), labels: IntTensor([1, 7, 13].map { text.ids.scalars[$0] }))
        XCTAssertEqual(loss.scalar, expected.scalar, accuracy: 1e-6)
        let none = IntTensor(shape: [3, 6], scalars: [Int32](repeating: -1, count: 18))
        XCTAssertEqual(declip.maskedLanguageModelling(text.maskedIDs!, targets: none, padding: 0, context: &ctx).scalar, 0)
    }
}
