import TensorCore

/// The state Adam-family optimizers (`AdamW`, `LAMB`) keep: first and second moments by parameter
/// path, per-parameter step counts (a parameter without a gradient does not advance, as in PyTorch)
/// and the global step count; saved as `<path>.exp_avg`, `<path>.exp_avg_sq`.
public struct AdamMoments: Sendable {
    /// Steps taken.
    public internal(set) var stepCount = 0
    /// First moments `m` by path.
    public internal(set) var first: [String: Tensor] = [:]
    /// Second moments `v` by path.
    public internal(set) var second: [String: Tensor] = [:]
    /// Per-parameter step counts `t`.
    public internal(set) var steps: [String: Int] = [:]

    /// Advances `path`'s step count and returns it (`t`, from 1).
    mutating func advance(_ path: String) -> Int {
        let t = (steps[path] ?? 0) + 1
        steps[path] = t
        return t
    }

    /// One optimizer step of an Adam-family optimizer: counts the step, then for each trainable parameter with a
    /// gradient (`OptimizerSupport.forEachUpdate`) calls `update(parameter, gradient, m, v, hyperparameters, t)` with
    /// that parameter's moments (nil before its first step) and its step count `t` (from 1).
    mutating func step<M: Layer>(
        of model: inout M, gradients: [String: Tensor], groups: [ParameterGroup], learningRate: Float, weightDecay: Float,
        _ update: (inout Parameter, Tensor, inout Tensor?, inout Tensor?, ResolvedHyperparameters, Int) -> Void
    ) {
        stepCount += 1
        OptimizerSupport.forEachUpdate(
            of: &model, gradients: gradients, groups: groups, learningRate: learningRate, weightDecay: weightDecay
        ) { path, p, g, h in
            let t = advance(path)
            update(&p, g, &first[path], &second[path], h, t)
        }
    }

    /// Moments, per-parameter and global step counts, for optimizer `kind`.
    func state(kind: String) -> SafeTensors {
        OptimizerSupport.save(["exp_avg": first, "exp_avg_sq": second], steps: steps, step: stepCount, kind: kind)
    }

    /// Restores `state` (read from `file`, named in errors).
    mutating func load(_ state: SafeTensors, file: String) throws {
        let s = try OptimizerSupport.load(state, names: ["exp_avg_sq", "exp_avg"], fileName: file)
        first = s.buffers["exp_avg"] ?? [:]
        second = s.buffers["exp_avg_sq"] ?? [:]
        steps = s.steps
        stepCount = s.step
    }
}
