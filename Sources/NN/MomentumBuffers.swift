import TensorCore

/// The state momentum optimizers (`SGD`, `LARS`) keep: one buffer per parameter path, made on the parameter's
/// first update, and the global step count; saved as `<path>.<name>` (`momentum_buffer`, as PyTorch's SGD;
/// `mu` for LARS, as its reference names it).
public struct MomentumBuffers: Sendable {
    /// Steps taken.
    public internal(set) var stepCount = 0
    /// The buffers by parameter path.
    public internal(set) var buffers: [String: Tensor] = [:]
    /// The tensor-name suffix the checkpoint uses.
    let name: String

    /// Empty buffers saved under `name`.
    init(name: String) { self.name = name }

    /// One optimizer step: counts it, then for each trainable parameter with a gradient
    /// (`OptimizerSupport.forEachUpdate`) calls `update(parameter, gradient, buffer, hyperparameters)` with that
    /// parameter's buffer (nil before its first step).
    mutating func step<M: Layer>(
        of model: inout M, gradients: [String: Tensor], groups: [ParameterGroup], learningRate: Float, weightDecay: Float,
        _ update: (inout Parameter, Tensor, inout Tensor?, ResolvedHyperparameters) -> Void
    ) {
        stepCount += 1
        OptimizerSupport.forEachUpdate(
            of: &model, gradients: gradients, groups: groups, learningRate: learningRate, weightDecay: weightDecay
        ) { path, p, g, h in
            update(&p, g, &buffers[path], h)
        }
    }

    /// The buffers and the step count, for optimizer `kind`.
    func state(kind: String) -> SafeTensors { OptimizerSupport.save([name: buffers], steps: [:], step: stepCount, kind: kind) }

    /// Restores `state` (read from `file`, named in errors).
    mutating func load(_ state: SafeTensors, file: String) throws {
        let s = try OptimizerSupport.load(state, names: [name], fileName: file)
        buffers = s.buffers[name] ?? [:]
        stepCount = s.step
    }
}
