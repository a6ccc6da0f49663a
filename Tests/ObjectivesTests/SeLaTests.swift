import Backbones
import NN
import Objectives
import Support
import TensorCore
import TestSupport
import XCTest

/// SeLa on a tiny ResNet: labellings at the reference's quadratic epochs, the dataset pass fills the
/// label table (by sample id) and reports NMI/ARI (checked against a port of scikit-learn's), the
/// loss is the heads' cross-entropy against the table, and the table round-trips through the objective state.
extension ObjectiveTests {
    /// A pass over `n` samples in batches of `batch` (ids 100, 101, ...; labels id % 3).
    func pass(_ n: Int, batch: Int = 8, labelled: Bool = true, reports: ReportLog? = nil) -> DatasetPass {
        DatasetPass(
            sampleCount: n, report: { reports?.items.append($0) },
            run: { visit in
                var start = 0
                while start < n {
                    let m = min(batch, n - start)
                    let ids = (start..<(start + m)).map { UInt64(100 + $0) }
                    try visit(
                        TrainingBatch(
                            views: [GradientCheck.random([m, 1, 12, 12], seed: UInt64(1000 + start))],
                            labels: labelled ? IntTensor(ids.map { Int($0 % 3) }) : nil, sampleIDs: ids))
                    start += m
                }
            })
    }

    final class ReportLog: @unchecked Sendable { var items: [[String: Float]] = [] }

    func testSeLaLabelStepsAreSpacedQuadraticallyAsTheReference() {
        // main.py: update i after (E + 1.01)·N·(i/(n − 1))² samples -> before step ⌈(T + 1.01·S)(i/(n − 1))²⌉.
        XCTAssertEqual(SeLa<Net>.labelSteps(updates: 1, totalSteps: 100, stepsPerEpoch: 10), [0])
        // T = 100, S = 10: span 110.1 -> 0, 6.88, 27.5, 61.9, 110.1 (dropped).
        XCTAssertEqual(SeLa<Net>.labelSteps(updates: 5, totalSteps: 100, stepsPerEpoch: 10), [0, 7, 28, 62])
        // A 2-epoch run of 421 steps per epoch: 5 updates give 4 labellings, mid-epoch.
        XCTAssertEqual(SeLa<Net>.labelSteps(updates: 5, totalSteps: 842, stepsPerEpoch: 421), [0, 80, 317, 713])
        XCTAssertEqual(SeLa<Net>.labelSteps(updates: 400, totalSteps: 3, stepsPerEpoch: 3), [0, 1, 2])
        let many = SeLa<Net>.labelSteps(updates: 50, totalSteps: 10_000, stepsPerEpoch: 100)
        XCTAssertEqual(many.first, 0)
        XCTAssertTrue(many.last! < 10_000 && many == many.sorted() && Set(many).count == many.count)
        XCTAssertGreaterThan(many.filter { $0 < 2_500 }.count, many.filter { $0 >= 7_500 }.count, "denser early on")
    }

    func testSeLaRelabelsByIDTrainsAgainstTheTableAndRoundTrips() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var sela = SeLa(model: model, headCount: 2, clusterCount: 4, lambda: 10, labelUpdates: 3, probeClasses: 3, rng: &rng)
        // Before any labelling a batch has no pseudo-labels: a typed error.
        let b = TrainingBatch(
            views: [GradientCheck.random([4, 1, 12, 12], seed: 5)], labels: IntTensor([0, 1, 2, 0]),
            sampleIDs: [103, 100, 117, 102])
        XCTAssertThrowsError(try gradients(&sela, &model, b)) { XCTAssertTrue("\($0)".contains("no labelling"), "\($0)") }
        let reports = ReportLog()
        let before = model.stateDict
        try sela.beforeStep(model: &model, progress: TrainingProgress(step: 0, totalSteps: 10, epoch: 0), data: pass(20, reports: reports))
        XCTAssertEqual(model.stateDict.mapValues(\.scalars), before.mapValues(\.scalars), "the pass leaves the backbone as it was")
        XCTAssertEqual(sela.sampleIDs, (100..<120).map(UInt64.init))
        XCTAssertEqual(sela.labels.count, 2)
        XCTAssertTrue(sela.labels.allSatisfy { $0.count == 20 && $0.allSatisfy { (0..<4).contains($0) } })
        XCTAssertEqual(reports.items.count, 1)
        let r = reports.items[0]
        XCTAssertEqual(Set(r.keys), ["sela_nmi", "sela_ari", "sela_clusters", "sela_sinkhorn_iterations"])
        let truth = (100..<120).map { Int32($0 % 3) }
        XCTAssertEqual(r["sela_nmi"]!, Float(Metrics.normalizedMutualInformation(truth, sela.labels[0])), accuracy: 1e-6)
        // Step 5 is not a labelling step (those of 3 updates over 10 steps are 0 and 3): nothing is reported.
        try sela.beforeStep(model: &model, progress: TrainingProgress(step: 5, totalSteps: 10, epoch: 1), data: pass(20, reports: reports))
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
        var restored = SeLa(model: model, headCount: 2, clusterCount: 4, lambda: 10, labelUpdates: 1, rng: &rng)
        try restored.loadState(sela.state, file: "s.safetensors")
        XCTAssertEqual(restored.sampleIDs, sela.sampleIDs)
        XCTAssertEqual(restored.labels, sela.labels)
        restored.heads = sela.heads
        XCTAssertEqual(try gradients(&restored, &model, b).0.terms[0].value.scalar, out.terms[0].value.scalar, accuracy: 1e-6)
        var oneHead = SeLa(model: model, headCount: 1, clusterCount: 4, lambda: 10, labelUpdates: 1, rng: &rng)
        XCTAssertThrowsError(try oneHead.loadState(sela.state, file: "s.safetensors")) { e in
            guard case .shapeMismatch(_, "labels", _, _)? = e as? CheckpointError else { return XCTFail("\(e)") }
        }
        var fewClusters = SeLa(model: model, headCount: 2, clusterCount: 2, lambda: 10, labelUpdates: 1, rng: &rng)
        XCTAssertThrowsError(try fewClusters.loadState(sela.state, file: "s.safetensors"))
    }

    func testSeLaClusteringMetricsMatchTheScikitLearnPort() throws {
        let url = Fixtures.url("objectives/clustering.json")
        let cases = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 6)
        for c in cases {
            let u = (c["u"] as! [Int]).map(Int32.init)
            let v = (c["v"] as! [Int]).map(Int32.init)
            let name = c["case"] as! String
            XCTAssertEqual(Metrics.normalizedMutualInformation(u, v), (c["nmi"] as! NSNumber).doubleValue, accuracy: 1e-9, "\(name) nmi")
            XCTAssertEqual(Metrics.adjustedRandIndex(u, v), (c["ari"] as! NSNumber).doubleValue, accuracy: 1e-9, "\(name) ari")
        }
    }

    func testSeLaValidationMetricsScoreHeadZeroArgmaxAgainstTheLabels() throws {
        var model = tinyNet(classes: nil, seed: 5)
        var rng = Philox(seed: 6)
        var sela = SeLa(model: model, headCount: 2, clusterCount: 4, lambda: 10, labelUpdates: 1, rng: &rng)
        var ctx = Context(training: false, rng: Philox(seed: 0))
        var predicted: [Int32] = []
        var truth: [Int32] = []
        try pass(20, batch: 8).forEachBatch { b in
            var m = model
            let logits = sela.heads[0](m.features(b.views[0], context: &ctx)).scalars
            for i in 0..<b.count {
                let row = Array(logits[(4 * i)..<(4 * i + 4)])
                predicted.append(Int32(row.indices.max { row[$0] < row[$1] }!))
            }
            truth += b.labels!.scalars
        }
        let metrics = try sela.validationMetrics(model: &model, data: pass(20, batch: 8))
        XCTAssertEqual(metrics["sela_clusters"], Float(Set(predicted).count))
        XCTAssertEqual(try XCTUnwrap(metrics["sela_nmi"]), Float(Metrics.normalizedMutualInformation(truth, predicted)), accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(metrics["sela_ari"]), Float(Metrics.adjustedRandIndex(truth, predicted)), accuracy: 1e-6)
        XCTAssertNil(try sela.validationMetrics(model: &model, data: pass(20, labelled: false))["sela_nmi"], "no labels, no NMI")
        XCTAssertTrue(sela.sampleIDs.isEmpty, "no labelling ran")
    }
}
