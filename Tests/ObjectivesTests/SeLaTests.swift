import Backbones
import Support
import NN
import Objectives
import TensorCore
import TestSupport
import XCTest

/// SeLa on a tiny ResNet: labellings at the reference's quadratic epochs, the dataset pass fills the
/// label table (by sample id) and reports NMI/ARI (checked against a port of scikit-learn's), the
/// loss is the heads' cross-entropy against the table, and the table round-trips through the objective state.
extension ObjectiveTests {
    /// A pass over `n` samples in batches of `batch` (ids 100, 101, ...; labels id % 3).
    func pass(_ n: Int, batch: Int = 8, labelled: Bool = true, reports: ReportLog? = nil) -> DatasetPass {
        DatasetPass(sampleCount: n, report: { reports?.items.append($0) }) { visit in
            var start = 0
            while start < n {
                let m = min(batch, n - start)
                let ids = (start..<(start + m)).map { UInt64(100 + $0) }
                try visit(TrainingBatch(views: [GradientCheck.random([m, 1, 12, 12], seed: UInt64(1000 + start))],
                                        labels: labelled ? IntTensor(ids.map { Int($0 % 3) }) : nil, sampleIDs: ids))
                start += m
            }
        }
    }

    final class ReportLog: @unchecked Sendable { var items: [[String: Float]] = [] }

    func testSeLaLabelEpochsAreSpacedQuadraticallyAsTheReference() {
        // main.py: update i after (E + 1.01)·N·(i/(n − 1))² samples -> the epoch boundary at or after it.
        XCTAssertEqual(SeLa<Net>.labelEpochs(updates: 1, epochs: 10), [0])
        XCTAssertEqual(SeLa<Net>.labelEpochs(updates: 5, epochs: 10), [0, 1, 3, 7])  // 0, 0.69, 2.75, 6.19, 11.01
        XCTAssertEqual(SeLa<Net>.labelEpochs(updates: 400, epochs: 2), [0, 1])
        let many = SeLa<Net>.labelEpochs(updates: 50, epochs: 100)
        XCTAssertEqual(many.first, 0)
        XCTAssertTrue(many.last! < 100 && many == many.sorted() && Set(many).count == many.count)
        XCTAssertGreaterThan(many.filter { $0 < 25 }.count, many.filter { $0 >= 75 }.count, "denser early on")
    }

    func testSeLaRelabelsByIDTrainsAgainstTheTableAndRoundTrips() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var sela = SeLa(model: model, headCount: 2, clusterCount: 4, lambda: 10, labelEpochs: [0, 2], probeClasses: 3, rng: &rng)
        // Before any labelling a batch has no pseudo-labels: a typed error.
        let b = TrainingBatch(views: [GradientCheck.random([4, 1, 12, 12], seed: 5)], labels: IntTensor([0, 1, 2, 0]),
                              sampleIDs: [103, 100, 117, 102])
        XCTAssertThrowsError(try gradients(&sela, &model, b)) { XCTAssertTrue("\($0)".contains("no labelling"), "\($0)") }
        let reports = ReportLog()
        let before = model.stateDict
        try sela.epochStart(model: &model, progress: TrainingProgress(step: 0, totalSteps: 10, epoch: 0), data: pass(20, reports: reports))
        XCTAssertEqual(model.stateDict.mapValues(\.scalars), before.mapValues(\.scalars), "the pass leaves the backbone as it was")
        XCTAssertEqual(sela.sampleIDs, (100..<120).map(UInt64.init))
        XCTAssertEqual(sela.labels.count, 2)
        XCTAssertTrue(sela.labels.allSatisfy { $0.count == 20 && $0.allSatisfy { (0..<4).contains($0) } })
        XCTAssertEqual(reports.items.count, 1)
        let r = reports.items[0]
        XCTAssertEqual(Set(r.keys), ["sela_nmi", "sela_ari", "sela_clusters", "sela_sinkhorn_iterations"])
        let truth = (100..<120).map { Int32($0 % 3) }
        XCTAssertEqual(r["sela_nmi"]!, Float(Metrics.normalizedMutualInformation(truth, sela.labels[0])), accuracy: 1e-6)
        // Epoch 1 is not a labelling epoch: nothing changes, nothing is reported.
        try sela.epochStart(model: &model, progress: TrainingProgress(step: 5, totalSteps: 10, epoch: 1), data: pass(20, reports: reports))
        XCTAssertEqual(reports.items.count, 1)
        // Without store labels there is no NMI/ARI.
        var unlabelled = sela
        _ = try unlabelled.relabel(model: model, data: pass(20, labelled: false, reports: reports))
        let quiet = try unlabelled.relabel(model: model, data: pass(20, labelled: false))
        XCTAssertNil(quiet["sela_nmi"])

        // The loss: mean over heads of CE against the table rows of the batch's ids.
        let (out, g) = try gradients(&sela, &model, b)
        XCTAssertEqual(out.terms.map(\.name), ["sela", "probe"])
        var m = model
        var ctx = Context(training: true, rng: Philox(seed: 1))
        let f = m.features(b.views[0], context: &ctx)
        let rows = [3, 0, 17, 2]
        let targets = sela.labels.map { t in IntTensor(rows.map { t[$0] }) }
        let expected = SelfLabelLosses.crossEntropy(logits: sela.heads.map { $0(f) }, labels: targets)
        XCTAssertEqual(out.terms[0].value.scalar, expected.scalar, accuracy: 1e-5)
        XCTAssertGreaterThan(g["conv1.weight"]!.abs().sum().scalar, 0)
        XCTAssertGreaterThan(g["objective.heads.1.weight"]!.abs().sum().scalar, 0)
        XCTAssertGreaterThan(g["objective.heads.0.bias"]!.abs().sum().scalar, 0)
        // An id outside the table is a typed error.
        let stranger = TrainingBatch(views: b.views, labels: nil, sampleIDs: [100, 101, 102, 999])
        XCTAssertThrowsError(try gradients(&sela, &model, stranger)) { XCTAssertTrue("\($0)".contains("sample 999"), "\($0)") }

        // The table round-trips; mismatches name the key.
        var restored = SeLa(model: model, headCount: 2, clusterCount: 4, lambda: 10, labelEpochs: [0], rng: &rng)
        try restored.loadState(sela.state, file: "s.safetensors")
        XCTAssertEqual(restored.sampleIDs, sela.sampleIDs)
        XCTAssertEqual(restored.labels, sela.labels)
        restored.heads = sela.heads
        XCTAssertEqual(try gradients(&restored, &model, b).0.terms[0].value.scalar, out.terms[0].value.scalar, accuracy: 1e-6)
        var oneHead = SeLa(model: model, headCount: 1, clusterCount: 4, lambda: 10, labelEpochs: [0], rng: &rng)
        XCTAssertThrowsError(try oneHead.loadState(sela.state, file: "s.safetensors")) { e in
            guard case .shapeMismatch(_, "labels", _, _)? = e as? CheckpointError else { return XCTFail("\(e)") }
        }
        var fewClusters = SeLa(model: model, headCount: 2, clusterCount: 2, lambda: 10, labelEpochs: [0], rng: &rng)
        XCTAssertThrowsError(try fewClusters.loadState(sela.state, file: "s.safetensors"))
    }

    func testSeLaClusteringMetricsMatchTheScikitLearnPort() throws {
        let url = Fixtures.url("objectives/clustering.json")
        let cases = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 6)
        for c in cases {
            let u = (c["u"] as! [Int]).map(Int32.init), v = (c["v"] as! [Int]).map(Int32.init)
            let name = c["case"] as! String
            XCTAssertEqual(Metrics.normalizedMutualInformation(u, v), (c["nmi"] as! NSNumber).doubleValue, accuracy: 1e-9, "\(name) nmi")
            XCTAssertEqual(Metrics.adjustedRandIndex(u, v), (c["ari"] as! NSNumber).doubleValue, accuracy: 1e-9, "\(name) ari")
        }
    }
}
