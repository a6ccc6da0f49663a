import NN
import Objectives
import TensorCore

/// One optimizer step: the objective's loss terms with the gradients of each gradient group (one
/// group, the sum of all terms, unless the objective asks for more), a non-finite check naming the
/// term, gradient clipping, and the update of every optimizer of the run.
struct TrainStep {
    /// The run's optimizers.
    var optimizers: OptimizerSet
    /// The global gradient-norm bound (`optimizer.clip_grad_norm`), per gradient group.
    var clipGradNorm: Float?

    /// What a step computed.
    struct Result {
        /// The objective's terms and metrics.
        var output: ObjectiveOutput
        /// Σ weight · value of all terms.
        var loss: Float
    }

    /// Runs the step at `progress` on `batch`; on a non-finite term it throws before any update.
    mutating func run<O: Objective>(
        _ model: inout TrainModel<O>, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context, lastCheckpoint: String?
    ) throws -> Result {
        // Per-group gradients only for an optimizer that uses them apart (DOT): otherwise one sweep of the total.
        let groups = optimizers.separatesGradientGroups ? model.objective.gradientGroups : []
        let (result, gradients) = try model.valueAndGradients { m -> (value: Result, roots: [Tensor]) in
            let out = try m.objective.losses(model: &m.backbone, batch: batch, progress: progress, context: &context)
            for term in out.terms where !term.value.scalar.isFinite {
                throw TrainError.nonFiniteLoss(step: progress.step, term: term.name, value: term.value.scalar, lastCheckpoint: lastCheckpoint)
            }
            let total = out.total
            let roots = groups.isEmpty ? [total] : groups.map { out.total(named: $0.terms) }
            return (Result(output: out, loss: total.scalar), roots)
        }
        var named = zip(groups.isEmpty ? ["loss"] : groups.map(\.name), gradients).map { (name: $0, gradients: $1) }
        if let clipGradNorm {
            for i in named.indices { _ = GradientClipping.clipByGlobalNorm(&named[i].gradients, maxNorm: clipGradNorm) }
        }
        optimizers.step(model: &model, gradientGroups: named, step: progress.step)
        return result
    }
}
