import Foundation
import Recipes
import XCTest

final class SweepPlanTests: XCTestCase {
    func testGridTimesSeeds() throws {
        let plan = try SweepPlan(
            grid: [try .init(parsing: "optimizer.lr=0.1,0.2"), try .init(parsing: "data.views.0.crop.scale=[0.2, 1],[0.08, 1]")],
            seeds: 2, baseSeed: 5, sets: ["train.epochs=1"])
        XCTAssertEqual(plan.runs.count, 8)
        XCTAssertEqual(plan.runs[0].name, "optimizer.lr=0.1,data.views.0.crop.scale=[0.2,_1],seed=5")
        XCTAssertEqual(plan.runs[0].overrides, ["train.epochs=1", "optimizer.lr=0.1", "data.views.0.crop.scale=[0.2, 1]", "train.seed=5"])
        XCTAssertEqual(plan.runs[7].overrides.last, "train.seed=6")
        XCTAssertEqual(Set(plan.runs.map(\.name)).count, 8)
    }

    func testBadGridsAreClearErrors() {
        XCTAssertThrowsError(try SweepPlan.Axis(parsing: "optimizer.lr")) { XCTAssertTrue("\($0)".contains("KEY.PATH=V1,V2")) }
        XCTAssertThrowsError(try SweepPlan.Axis(parsing: "optimizer.lr=0.1,,0.2")) { XCTAssertTrue("\($0)".contains("empty value")) }
        XCTAssertThrowsError(try SweepPlan(grid: [try .init(parsing: "train.seed=1,2")], seeds: 1, baseSeed: 0, sets: [])) {
            XCTAssertTrue("\($0)".contains("--seeds"))
        }
        XCTAssertThrowsError(try SweepPlan(grid: [], seeds: 0, baseSeed: 0, sets: []))
    }

    func testStatistics() {
        let s = RunComparison.Statistic([1, 2, 3, 4])
        XCTAssertEqual(s.mean, 2.5)
        XCTAssertEqual(s.std, (5.0 / 3).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(RunComparison.Statistic([7]).std, 0)
    }
}

extension TrainerTests {
    /// A sweep killed half-way (inside its second run) and restarted skips the finished run,
    /// resumes the half-done one and trains the rest; compare then groups the runs by learning rate.
    func testKilledSweepFinishesOnlyTheRemainingRuns() throws {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        let sets = try tinyOverrides(try RecipeLoader().load(contentsOf: file), steps: 3) + ["train.checkpoint_every=1", "eval.knn_every=0"]
        let plan = try SweepPlan(grid: [try .init(parsing: "optimizer.lr=0.1,0.05")], seeds: 2, baseSeed: 0, sets: sets)
        var sweep = Sweep(recipe: file, plan: plan, folder: tmp.url.appendingPathComponent("sweep"))
        var started = 0
        sweep.configure = { trainer in
            started += 1
            trainer.log = { _ in }
            trainer.interactive = false
            if started == 2 { trainer.stopAfterSteps = 2 }  // "killed" during the second run
        }
        let first = try sweep.run()
        XCTAssertEqual(first.map(\.action), [.started, .started])
        XCTAssertEqual(first.last?.summary.status, .running)
        let completedAt = try Data(contentsOf: sweep.runFolders[0].appendingPathComponent("summary.json"))

        sweep.configure = { trainer in
            trainer.log = { _ in }
            trainer.interactive = false
        }
        let second = try sweep.run()
        XCTAssertEqual(second.map(\.action), [.skipped, .resumed, .started, .started])
        XCTAssertTrue(second.allSatisfy { $0.summary.status == .completed && $0.summary.steps == 3 })
        XCTAssertEqual(try Data(contentsOf: sweep.runFolders[0].appendingPathComponent("summary.json")), completedAt, "the finished run is untouched")
        XCTAssertEqual(try MetricsLog.read(sweep.runFolders[1].appendingPathComponent("metrics.jsonl")).map(\.step).last, 3)
        XCTAssertEqual(try sweep.run().map(\.action), [.skipped, .skipped, .skipped, .skipped])

        let comparison = try RunComparison(runs: sweep.runFolders)
        XCTAssertEqual(comparison.differingKeys, ["optimizer.lr"])
        XCTAssertEqual(comparison.groups.map(\.runs.count), [2, 2])
        XCTAssertEqual(comparison.groups.map { $0.configuration["optimizer.lr"] }, ["0.1", "0.05"])
        XCTAssertEqual(comparison.groups[0].metrics["knn_top1"]?.values.count, nil, "no kNN without knn_every and linear_probe")
        XCTAssertNotNil(comparison.groups[0].cost["peak_resident_mib"])
        XCTAssertEqual(comparison.groups[0].cost["wall_seconds"]?.values.count, 2)
        let md = comparison.markdown()
        XCTAssertTrue(md.contains("optimizer.lr=0.1"), md)
        XCTAssertTrue(md.contains(" ± "), md)
        XCTAssertTrue(md.contains("differ in: optimizer.lr"), md)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: comparison.jsonData()))
        XCTAssertThrowsError(try RunComparison(runs: [tmp.url])) { XCTAssertTrue("\($0)".contains("summary.json")) }
    }
}
