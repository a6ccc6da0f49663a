import Foundation
import NN
import Recipes
import XCTest

/// Issue 17: the cost columns of `summary.json`, TensorBoard event files, RankMe and the generic
/// online probe, through real runs on the tiny stores (killed and resumed).
extension TrainerTests {
    func testMonitorsCostAndTensorBoardSurviveAResume() throws {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        let extra = [
            "train.tensorboard=true", "eval.rankme_every=2", "eval.rankme_samples=16", "eval.online_probe=true",
            "train.log_every=1", "train.checkpoint_every=2",
            "optimizer.groups=[{params: [\"objective.probe.*\"], lr: 0.3, weight_decay: 0}]",
        ]
        let (straightSummary, straight) = try run(file, extra: extra, name: "monitored", steps: 5)
        let (_, stopped) = try run(file, extra: extra, name: "monitored-killed", steps: 5, stopAfter: 3)  // checkpoint at step 2
        // The training time of the killed process travels with the checkpoint: pretend it was 1000 s.
        let loopURL = stopped.checkpoint(named: "last", extension: "json")
        var loop = try JSONDecoder().decode(LoopState.self, from: Data(contentsOf: loopURL))
        XCTAssertGreaterThan(loop.elapsedSeconds ?? 0, 0)
        loop.elapsedSeconds = 1000
        try JSONEncoder().encode(loop).write(to: loopURL)
        let (summary, killed) = try run(file, extra: extra, name: "monitored-killed", steps: 5, resume: true)
        XCTAssertTrue((1000..<1600).contains(summary.wallSeconds), "the resumed run's wall time counts the first process: \(summary.wallSeconds)")
        let resumedTimes = try MetricsLog.read(killed.metrics).filter { $0.step > 2 }.compactMap(\.elapsedSeconds)
        XCTAssertEqual(resumedTimes.count, 3, "steps 3, 4, 5 logged")
        XCTAssertTrue(resumedTimes.allSatisfy { $0 >= 1000 }, "\(resumedTimes)")

        // Cost columns.
        for s in [straightSummary, summary] {
            XCTAssertGreaterThan(s.secondsPerEpoch ?? 0, 0)
            XCTAssertGreaterThan(s.peakResidentBytes ?? 0, 16 << 20, "peak RSS in bytes")
            XCTAssertNotNil(s.metrics["rankme"])
        }
        let json = try String(contentsOf: killed.summary, encoding: .utf8)
        XCTAssertTrue(json.contains("\"seconds_per_epoch\"") && json.contains("\"peak_resident_bytes\""), json)

        // The generic online probe: its own parameters under objective.probe.*, its own optimizer group, logged accuracy.
        let records = try MetricsLog.read(killed.metrics)
        XCTAssertTrue(records.contains { $0.metrics["probe_accuracy"] != nil && $0.losses["probe"] != nil })
        XCTAssertTrue(records.contains { $0.metrics["lr_group0"] != nil })
        let objective = try SafeTensors.read(from: killed.checkpoint(named: "last.objective"))
        XCTAssertFalse(objective.tensors.isEmpty)
        XCTAssertTrue(objective.tensors.keys.allSatisfy { $0.hasPrefix("probe.") }, "\(objective.tensors.keys.sorted())")

        // RankMe at steps 2 and 4 and at the last step, positive and at most the feature width.
        let ranks = records.filter { $0.metrics["rankme"] != nil }
        XCTAssertEqual(ranks.map(\.step), [2, 4, 5])
        XCTAssertTrue(ranks.allSatisfy { ($0.metrics["rankme"] ?? 0) >= 1 && ($0.metrics["rankme"] ?? 0) <= 64 })

        // The killed and resumed run matches the straight one bit for bit (probe and RankMe included).
        for name in ["last", "last.objective"] {
            let a = try SafeTensors.read(from: straight.checkpoint(named: name))
            let b = try SafeTensors.read(from: killed.checkpoint(named: name))
            for (k, t) in a.tensors { XCTAssertEqual(t.scalars, b.tensors[k]?.scalars, "\(name): \(k) differs after resume") }
        }
        XCTAssertEqual(try MetricsLog.read(straight.metrics).map(\.step), records.map(\.step))
        XCTAssertEqual(try MetricsLog.read(straight.metrics).compactMap { $0.metrics["rankme"] }, ranks.compactMap { $0.metrics["rankme"] })

        // TensorBoard: one event file, the recipe as text, then exactly the records of metrics.jsonl
        // (the resumed run's replay included) and the final scores, every scalar bit-exact.
        for run in [straight, killed] {
            let files = TensorBoardWriter.eventFiles(in: run.url)
            XCTAssertEqual(files.count, 1)
            let events = try TensorBoardReader.read(files[0])
            XCTAssertEqual(events[0].fileVersion, "brain.Event:2")
            XCTAssertEqual(events[1].texts.first?.tag, "recipe")
            XCTAssertTrue(events[1].texts.first?.value.contains("rankme_every: 2") ?? false)
            let logged = try MetricsLog.read(run.metrics)
            let scalarEvents = Array(events.dropFirst(2))
            XCTAssertEqual(scalarEvents.count, logged.count + 1, "every record, then the final scores")
            for (record, event) in zip(logged, scalarEvents) {
                XCTAssertEqual(event.step, Int64(record.step))
                let expected = TensorBoardWriter.scalars(of: record)
                XCTAssertEqual(event.scalars.map(\.tag), expected.map(\.tag))
                XCTAssertEqual(event.scalars.map(\.value.bitPattern), expected.map(\.value.bitPattern))
            }
            let tags = Set(scalarEvents.flatMap { $0.scalars.map(\.tag) })
            for tag in [
                "loss/total", "loss/ce", "loss/probe", "train/lr", "train/images_per_second", "train/data_wait_seconds",
                "metrics/accuracy", "metrics/probe_accuracy", "metrics/rankme", "metrics/final_knn_top1",
            ] {
                XCTAssertTrue(tags.contains(tag), "\(run.url.lastPathComponent): \(tag) in \(tags.sorted())")
            }
        }
    }

    func testObjectivesWithTheirOwnProbeAreNotWrappedTwice() throws {
        let file = Self.recipesFolder.appendingPathComponent("ssl/simclr-resnet18-fmnist.yaml")
        let (_, run) = try run(file, extra: ["eval.online_probe=true", "train.log_every=1"], name: "simclr-probe", steps: 1)
        let keys = try SafeTensors.read(from: run.checkpoint(named: "last.objective")).tensors.keys
        XCTAssertTrue(keys.contains { $0.hasPrefix("probe.") })
        XCTAssertTrue(keys.contains { $0.hasPrefix("projector.") })
        XCTAssertFalse(keys.contains { $0.hasPrefix("probe.probe") || $0.hasPrefix("base.") })
        XCTAssertNotNil(try MetricsLog.read(run.metrics).last?.metrics["probe_accuracy"])
    }
}
