import Foundation
import NN
import TensorCore
import TestSupport
import XCTest

/// `retort train --ranks 2` end to end on Fashion-MNIST's test split (a 10,000-image store): a run with
/// SyncBN stopped after step k resumes on one rank to the same weights as the uninterrupted 2-rank run,
/// a killed rank ends the job with a named error in seconds, and a batch the ranks cannot share evenly
/// is refused naming the field.
final class DataParallelRunTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = try TemporaryDirectory(removedAfter: self, prefix: "retort-dp").url }

    func testTwoRanksStoppedAtStepKAndResumedOnOneRankReachTheUninterruptedWeights() throws {
        let recipe = try makeRecipe(steps: 8)
        let whole = try retort(["train", recipe, "--run-dir", path("whole"), "--ranks", "2"])
        XCTAssertEqual(whole.status, 0, whole.output)
        XCTAssertTrue(whole.output.contains("2 ranks"), whole.output)
        let stopped = try retort(["train", recipe, "--run-dir", path("resumed"), "--ranks", "2", "--stop-after-steps", "4"])
        XCTAssertEqual(stopped.status, 0, stopped.output)
        XCTAssertEqual(try step(of: "resumed"), 4, "the checkpoint of step k = 4")
        let resumed = try retort(["train", "--resume", path("resumed")])  // one rank, the whole batch of 64
        XCTAssertEqual(resumed.status, 0, resumed.output)
        let a = try SafeTensors.read(from: checkpoint("whole"))
        let b = try SafeTensors.read(from: checkpoint("resumed"))
        XCTAssertEqual(a.tensors.keys.sorted(), b.tensors.keys.sorted())
        for (key, t) in a.tensors { assertClose(try XCTUnwrap(b.tensors[key], key), t, rtol: 1e-5, relativeToLargest: true, key) }
    }

    func testKillingOneRankEndsTheJobWithANamedErrorWithinSeconds() throws {
        let recipe = try makeRecipe(steps: 100_000)
        let process = Process()
        process.executableURL = try binary()
        process.arguments = ["train", recipe, "--run-dir", path("killed"), "--ranks", "2"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Wait for a checkpoint (steps are under a second), then kill rank 1.
        let deadline = Date().addingTimeInterval(120)
        while (try? step(of: "killed")) == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        let rank1 = try XCTUnwrap(rankProcess(1, of: process.processIdentifier), "rank 1's process")
        let killed = Date()
        kill(rank1, SIGKILL)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(killed)
        XCTAssertNotEqual(process.terminationStatus, 0, text)
        XCTAssertLessThan(seconds, 30, "the job ended \(seconds) s after the kill:\n\(text)")
        XCTAssertTrue(text.contains("rank 1") && text.contains("signal 9"), "the error names the rank and the signal:\n\(text)")
        print("killed rank 1: the job ended after \(String(format: "%.2f", seconds)) s")
        // The last checkpoint is intact: the run resumes from it.
        let done = try XCTUnwrap(try step(of: "killed"))
        let resumed = try retort(["train", "--resume", path("killed"), "--set", "train.max_steps=\(done + 1)"])
        XCTAssertEqual(resumed.status, 0, resumed.output)
    }

    func testARankThatRaisesEndsTheJobNamingTheRankAndTheError() throws {
        let recipe = try makeRecipe(steps: 100_000)
        let started = Date()
        let outcome = try retort(["train", recipe, "--run-dir", path("raised"), "--ranks", "2", "--fail-on-rank", "1"])
        XCTAssertNotEqual(outcome.status, 0, outcome.output)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, outcome.output)
        XCTAssertTrue(outcome.output.contains("error: rank 1 of 2: test hook: rank 1 fails"), outcome.output)
    }

    func testABatchThatTheRanksCannotShareIsRefusedNamingTheField() throws {
        let recipe = try makeRecipe(steps: 2, batch: 63)
        let outcome = try retort(["train", recipe, "--run-dir", path("odd"), "--ranks", "2"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.output.contains("data.batch_size") && outcome.output.contains("2 ranks"), outcome.output)
    }

    // MARK: - Helpers

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    private func checkpoint(_ run: String) -> URL { folder.appendingPathComponent(run).appendingPathComponent("checkpoints/last.safetensors") }

    /// The step of a run's last checkpoint (nil before the first).
    private func step(of run: String) throws -> Int? {
        let url = folder.appendingPathComponent(run).appendingPathComponent("checkpoints/last.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["step"] as? Int
    }

    /// A supervised ResNet-18 ×0.125 recipe with SyncBN over a 10,000-image store, a checkpoint every 4 steps.
    /// The global batch is 64: at 128 the two runs see different ReLU kinks (docs/scale-out.md, "To rounding").
    private func makeRecipe(steps: Int, batch: Int = 64) throws -> String {
        let store = path("fmnist-test.rstore")
        if !FileManager.default.fileExists(atPath: store) {
            let built = try retort(["store", "build", "fashion-mnist", "--split", "test", "--out", store])
            XCTAssertEqual(built.status, 0, built.output)
        }
        let yaml = """
            data:
              train: \(store)
              batch_size: \(batch)
              val_fraction: 0
              normalize: {mean: [0.2860], std: [0.3530]}
              views: [{pad_crop: 2, flip: 0.5}]
            model: {backbone: resnet18, stem: cifar, in_channels: 1, classes: 10, width: 0.125}
            objective: {name: supervised}
            optimizer: {name: sgd, lr: 0.05, momentum: 0.9, weight_decay: 5.0e-4}
            schedule: {name: cosine, warmup_epochs: 0}
            train: {epochs: 100, max_steps: \(steps), checkpoint_every: 4, log_every: 1, sync_batchnorm: true, threads: 1, convolution: im2col}
            eval: {knn_every: 0, linear_probe: false}
            """
        let url = folder.appendingPathComponent("dp-\(steps)-\(batch).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The process among `launcher`'s descendants whose environment says `OMPI_COMM_WORLD_RANK=rank`.
    private func rankProcess(_ rank: Int, of launcher: Int32) -> Int32? {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? []
        return pids.first { pid in
            guard let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") && isDescendant(pid, of: launcher)
        }
    }

    private func isDescendant(_ pid: Int32, of ancestor: Int32) -> Bool {
        var current = pid
        for _ in 0..<8 {
            guard let stat = try? String(contentsOfFile: "/proc/\(current)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")"),
                let parent = stat[stat.index(close, offsetBy: 2)...].split(separator: " ").dropFirst().first.flatMap({ Int32($0) })
            else { return false }
            if parent == ancestor { return true }
            current = parent
        }
        return false
    }

    private func binary() throws -> URL { try RetortProcess.binary() }

    private func retort(_ arguments: [String]) throws -> (status: Int32, output: String) { try RetortProcess.runCombined(arguments) }
}
