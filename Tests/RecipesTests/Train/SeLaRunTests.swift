import Foundation
import Recipes
import XCTest

/// SeLa through the runner: each labelling (at the reference's points of the run, mid-epoch too) is logged with NMI and ARI
/// against the store's labels.
extension TrainerTests {
    static var selaRecipe: URL { recipesFolder.appendingPathComponent("ssl/sela-resnet18-fmnist.yaml") }

    func testSeLaRunLogsEachLabellingWithNMIAndARI() throws {
        let (summary, run) = try run(
            Self.selaRecipe, extra: ["train.epochs=2", "objective.sela.label_updates=3", "eval.knn_every=0"],
            name: "sela-log", steps: 28)
        XCTAssertEqual(summary.steps, 28)
        let labellings = try MetricsLog.read(run.metrics).filter { $0.metrics["sela_nmi"] != nil }
        // 2 epochs of 14 steps: updates before steps ⌈(28 + 1.01·14)·(i/2)²⌉ = 0, 11 (mid-epoch 0), 43 (dropped).
        XCTAssertEqual(labellings.map(\.step), [0, 11])
        for r in labellings {
            XCTAssertTrue((0...1).contains(r.metrics["sela_nmi"]!), "\(r.metrics)")
            XCTAssertTrue((-1...1).contains(r.metrics["sela_ari"]!), "\(r.metrics)")
            XCTAssertGreaterThan(r.metrics["sela_clusters"]!, 1)
            XCTAssertNil(r.loss)
        }
    }
}
