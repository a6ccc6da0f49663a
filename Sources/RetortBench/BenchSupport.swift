import Backbones
import Foundation
import NN
import Objectives
import Recipes
import Support
import TensorCore

extension TrainModel {
    /// One training step on `batch` as the runner takes it: the objective's loss terms summed, one
    /// backward, `optimizer`'s step, then `afterStep`. Returns the loss.
    mutating func benchStep<P: Optimizer>(_ batch: TrainingBatch, optimizer: inout P, step: Int = 0, totalSteps: Int = 100) throws -> Float {
        let (value, g) = try valueAndGradient { m -> (value: Float, root: Tensor) in
            var context = Context(training: true, rng: Philox(seed: 1))
            let out = try m.objective.losses(
                model: &m.backbone, batch: batch, progress: TrainingProgress(step: step, totalSteps: totalSteps, epoch: 0),
                context: &context)
            return (out.total.scalar, out.total)
        }
        optimizer.step(model: &self, gradients: g)
        objective.afterStep(model: backbone, progress: TrainingProgress(step: step + 1, totalSteps: totalSteps, epoch: 0))
        return value
    }

    /// The best seconds of `iterations` `benchStep`s on `batch` after one warm-up (`ZooBench.best`); the error a
    /// step throws is rethrown once the timing ends.
    mutating func bestStepSeconds<P: Optimizer>(_ batch: TrainingBatch, optimizer: inout P, iterations: Int, totalSteps: Int) throws -> Double {
        var failure: Error?
        let t = ZooBench.best(iterations: iterations) {
            do { _ = try benchStep(batch, optimizer: &optimizer, totalSteps: totalSteps) } catch { failure = error }
        }
        if let failure { throw failure }
        return t
    }
}

extension TrainModel {
    /// Times the step (`bestStepSeconds`) and prints `"<label>, batch B: T s, R img/s"` with the ratio to the
    /// PyTorch twin `Benchmarks/<script>.py`'s JSON (at `flag`'s value in `args`, else `.build/<script>.json`).
    mutating func reportStep<P: Optimizer>(
        _ label: String, batch: TrainingBatch, optimizer: inout P, iterations: Int, totalSteps: Int, args: [String],
        script: String, flag: String = "--torch-json"
    ) throws {
        let n = batch.sampleIDs.count
        let t = try bestStepSeconds(batch, optimizer: &optimizer, iterations: iterations, totalSteps: totalSteps)
        let rate = Double(n) / t
        let path = ZooBench.value(of: flag, in: args) ?? ".build/\(script).json"
        print(
            String(format: "%@, batch %d: %.3f s, %.1f img/s", label, n, t, rate)
                + TorchBaseline.comparison(rate, at: path, matching: ["batch": n], command: "\(script).py" + (n == 256 ? "" : " --batch \(n)")))
    }
}

extension ResNet where Block == BasicBlock {
    /// The benchmarks' ResNet-18: CIFAR stem, 1-channel 28 px images, channels × `width` (the twin of
    /// `Benchmarks/torch_blocks.py`'s `CifarResNet18`); `classCount` nil for features only.
    static func cifar18(width: Float, classCount: Int? = nil, rng: inout Philox) -> Self {
        Self(blocks: [2, 2, 2, 2], stem: .cifar, inputChannels: 1, width: width, classCount: classCount, zeroInitResidual: false, rng: &rng)
    }
}

/// The PyTorch baselines' JSON (`Benchmarks/torch_*.py`), read for the ratios `retort-bench` prints.
enum TorchBaseline {
    /// "; PyTorch P img/s, ratio R" for `rate` against the baseline JSON's `key` at `path` (the same workload:
    /// every `matching` key holds that integer), or " (no PyTorch baseline: python3 Benchmarks/`command`)"; `unit`
    /// names the rate (`captions/s` for the text tower's `captions_per_second`).
    static func comparison(
        _ rate: Double, at path: String, matching: [String: Int], command: String, key: String = "images_per_second",
        unit: String = "img/s"
    ) -> String {
        guard let torch = value(key, at: path, matching: matching) else { return " (no PyTorch baseline: python3 Benchmarks/\(command))" }
        return String(format: "; PyTorch %.1f %@, ratio %.2f", torch, unit, rate / torch)
    }

    /// The JSON at `path`'s `ops` table (op name → its numbers by key), empty when there is none.
    static func rows(at path: String) -> [String: [String: Double]] {
        guard let ops = object(at: path)?["ops"] as? [String: [String: NSNumber]] else { return [:] }
        return ops.mapValues { $0.mapValues(\.doubleValue) }
    }

    /// The number `key` from the JSON at `path` when every `matching` key holds that integer, else nil.
    static func value(_ key: String, at path: String, matching: [String: Int]) -> Double? {
        guard let json = object(at: path), matching.allSatisfy({ (json[$0.key] as? NSNumber)?.intValue == $0.value }) else { return nil }
        return (json[key] as? NSNumber)?.doubleValue
    }

    /// The JSON object at `path`, nil when the file is absent or not an object.
    private static func object(at path: String) -> [String: Any]? {
        FileManager.default.contents(atPath: path).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
    }
}
