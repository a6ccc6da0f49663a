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
}

/// The PyTorch baselines' JSON (`Benchmarks/torch_*.py`), read for the ratios `retort-bench` prints.
enum TorchBaseline {
    /// `images_per_second` from the JSON at `path` when every `matching` key holds that integer (the
    /// same workload), else nil.
    static func imagesPerSecond(at path: String, matching: [String: Int]) -> Double? {
        value("images_per_second", at: path, matching: matching)
    }

    /// The number `key` from the JSON at `path` when every `matching` key holds that integer, else nil.
    static func value(_ key: String, at path: String, matching: [String: Int]) -> Double? {
        guard let data = FileManager.default.contents(atPath: path),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            matching.allSatisfy({ (json[$0.key] as? NSNumber)?.intValue == $0.value })
        else { return nil }
        return (json[key] as? NSNumber)?.doubleValue
    }
}
