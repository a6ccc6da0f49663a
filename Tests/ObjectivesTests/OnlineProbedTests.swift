import Backbones
import NN
import Objectives
import Support
import TensorCore
import XCTest

/// The generic online probe forwards every hook and the state to the objective it wraps, so a
/// wrapped objective behaves as it does alone (SeLa's step-scheduled labelling is the case that
/// needs `beforeStep`).
extension ObjectiveTests {
    func testOnlineProbedForwardsTheStepHookAndTheStateToItsBase() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        let sela = SeLa(model: model, headCount: 1, clusterCount: 4, lambda: 10, labelUpdates: 3, rng: &rng)
        var wrapped = OnlineProbed(sela, model: model, classCount: 3, rng: &rng)
        let reports = ReportLog()
        // 3 updates over 10 steps label before steps 0 and 3.
        try wrapped.beforeStep(model: &model, progress: TrainingProgress(step: 1, totalSteps: 10, epoch: 0), data: pass(12, reports: reports))
        XCTAssertTrue(wrapped.base.sampleIDs.isEmpty, "step 1 is not a labelling step")
        try wrapped.beforeStep(model: &model, progress: TrainingProgress(step: 0, totalSteps: 10, epoch: 0), data: pass(12, reports: reports))
        XCTAssertEqual(wrapped.base.sampleIDs, (100..<112).map(UInt64.init))
        XCTAssertEqual(reports.items.count, 1)
        XCTAssertEqual(Set(wrapped.state.integers.keys), ["sample_ids", "labels"])
        var restored = OnlineProbed(
            SeLa(model: model, headCount: 1, clusterCount: 4, lambda: 10, labelUpdates: 3, rng: &rng),
            model: model, classCount: 3, rng: &rng)
        try restored.loadState(wrapped.state, file: "state.safetensors")
        XCTAssertEqual(restored.base.labels, wrapped.base.labels)
    }
}
