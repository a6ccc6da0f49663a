import Foundation
import TensorCore

/// An optimizer: a value type holding hyperparameters and per-parameter state keyed by path.
/// `step` updates the model's trainable parameters in place (no copies when the model holds the
/// only reference to each parameter tensor: drop traced copies and tapes first).
public protocol Optimizer: Sendable {
    /// The base learning rate (set it from a schedule before each step).
    var learningRate: Float { get set }
    /// The number of steps taken.
    var stepCount: Int { get }
    /// Applies one update from path-keyed gradients; parameters without a gradient are untouched.
    mutating func step<M: Layer>(model: inout M, gradients: [String: Tensor])
    /// Applies one update from gradients kept apart per group of loss terms (`Objective.gradientGroups`,
    /// in the objective's order). The default sums them and calls `step(model:gradients:)`; an
    /// optimizer that treats them differently (DOT) overrides it.
    mutating func step<M: Layer>(model: inout M, gradientGroups: [(name: String, gradients: [String: Tensor])])
    /// Whether the optimizer uses the gradient groups apart (DOT). When no optimizer of a run does,
    /// the run computes one gradient of the sum of all terms (one backward sweep instead of one per group).
    var separatesGradientGroups: Bool { get }
    /// The per-parameter state as tensors keyed `"<path>.<name>"` plus the step counters, for checkpoints.
    var state: SafeTensors { get }
    /// Restores state saved by `state`; throws naming `file` and the key on a mismatch.
    mutating func loadState(_ state: SafeTensors, file: String) throws
}

extension Optimizer {
    /// Ordinary optimizers sum the groups, so they need only the gradient of the total.
    public var separatesGradientGroups: Bool { false }

    /// Sums the groups' gradients per path and applies one ordinary step.
    public mutating func step<M: Layer>(model: inout M, gradientGroups: [(name: String, gradients: [String: Tensor])]) {
        var sum: [String: Tensor] = [:]
        for group in gradientGroups {
            for (path, g) in group.gradients { sum[path] = sum[path].map { $0 + g } ?? g }
        }
        step(model: &model, gradients: sum)
    }
}

/// Resolved per-parameter hyperparameters.
struct ResolvedHyperparameters {
    var learningRate: Float
    var weightDecay: Float
}

extension Array where Element == ParameterGroup {
    /// The learning rate and weight decay for `path`/`role` under these groups.
    func resolve(path: String, role: ParameterRole, learningRate: Float, weightDecay: Float) -> ResolvedHyperparameters {
        for g in self where g.matches(path, role) {
            return ResolvedHyperparameters(learningRate: learningRate * g.learningRateScale, weightDecay: g.weightDecay ?? weightDecay)
        }
        return ResolvedHyperparameters(learningRate: learningRate, weightDecay: weightDecay)
    }
}

/// Shared step plumbing: checks, detaching, and state keyed `"<path>.<name>"`.
enum OptimizerSupport {
    /// Checks the gradient for `path` against the parameter.
    static func check(_ g: Tensor, _ p: Parameter, path: String) {
        precondition(g.shape == p.shape, "optimizer: gradient for '\(path)' has shape \(g.shape), parameter \(p.shape)")
    }

    /// Splits saved state back into per-name dictionaries; throws on unknown keys.
    static func load(_ file: SafeTensors, names: [String], fileName: String) throws -> (
        buffers: [String: [String: Tensor]], steps: [String: Int], step: Int
    ) {
        var buffers: [String: [String: Tensor]] = [:]
        for (key, t) in file.tensors {
            guard let name = names.first(where: { key.hasSuffix("." + $0) }) else {
                throw CheckpointError.unexpectedKey(file: fileName, key: key, shape: t.shape)
            }
            buffers[name, default: [:]][String(key.dropLast(name.count + 1))] = t
        }
        var steps: [String: Int] = [:]
        var step = 0
        for (key, t) in file.integers {
            if key == "step" {
                step = Int(t.scalars.first ?? 0)
            } else if key.hasSuffix(".step") {
                steps[String(key.dropLast(5))] = Int(t.scalars.first ?? 0)
            } else {
                throw CheckpointError.unexpectedKey(file: fileName, key: key, shape: t.shape)
            }
        }
        return (buffers, steps, step)
    }

    /// Packs state for saving.
    static func save(_ buffers: [String: [String: Tensor]], steps: [String: Int], step: Int, kind: String) -> SafeTensors {
        var file = SafeTensors(metadata: ["optimizer": kind])
        for (name, dict) in buffers { for (path, t) in dict { file.tensors["\(path).\(name)"] = t } }
        for (path, s) in steps { file.integers["\(path).step"] = Int64Tensor(shape: [], scalars: [Int64(s)]) }
        file.integers["step"] = Int64Tensor(shape: [], scalars: [Int64(step)])
        return file
    }

    /// The walk every optimizer's step shares: each trainable parameter of `model` that has a
    /// gradient in `gradients`, the gradient checked against its shape, its group's learning rate and
    /// weight decay resolved, its value detached from any tape so the update writes in place; then
    /// `update(path, &parameter, gradient, hyperparameters)` applies the method's rule.
    static func forEachUpdate<M: Layer>(
        of model: inout M, gradients: [String: Tensor], groups: [ParameterGroup], learningRate: Float,
        weightDecay: Float, _ update: (String, inout Parameter, Tensor, ResolvedHyperparameters) -> Void
    ) {
        model.forEachParameter { path, p in
            guard p.isTrainable, let g = gradients[path] else { return }
            check(g, p, path: path)
            let h = groups.resolve(path: path, role: p.role, learningRate: learningRate, weightDecay: weightDecay)
            p.value = p.value.detached
            update(path, &p, g, h)
        }
    }
}
