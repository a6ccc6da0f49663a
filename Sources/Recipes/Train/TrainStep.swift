import NN
import Objectives
import Support
import TensorCore

/// One optimizer step: the objective's loss terms with the gradients of each gradient group (one
/// group, the sum of all terms, unless the objective asks for more), a non-finite check naming the
/// term, gradient clipping, and the update of every optimizer of the run. In a data-parallel run the
/// terms and metrics are averaged over the ranks (for the check and the log) and the gradients are
/// averaged (`GradientAllReduce`) before clipping, so every rank makes the same update.
struct TrainStep {
    /// The run's optimizers.
    var optimizers: OptimizerSet
    /// The global gradient-norm bound (`optimizer.clip_grad_norm`), per gradient group.
    var clipGradNorm: Float?
    /// The ranks of the run.
    var group: any Communicator = SingleProcess()

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
            let logged = averagedOverRanks(out)
            for term in logged.terms where !term.value.scalar.isFinite {
                throw TrainError.nonFiniteLoss(step: progress.step, term: term.name, value: term.value.scalar, lastCheckpoint: lastCheckpoint)
            }
            let total = out.total
            let roots = groups.isEmpty ? [total] : groups.map { out.total(named: $0.terms) }
            return (Result(output: logged, loss: logged.total.scalar), roots)
        }
        var perGroup = gradients
        GradientAllReduce.average(&perGroup, over: group)
        var named = zip(groups.isEmpty ? ["loss"] : groups.map(\.name), perGroup).map { (name: $0, gradients: $1) }
        if let clipGradNorm {
            for i in named.indices { _ = GradientClipping.clipByGlobalNorm(&named[i].gradients, maxNorm: clipGradNorm) }
        }
        optimizers.step(model: &model, gradientGroups: named, step: progress.step)
        return result
    }

    /// `out` with each term's value and each metric replaced by its mean over the ranks (detached
    /// scalars, for the non-finite check and the log; identical on every rank). Metrics are averaged
    /// when every rank reports the same names, else this rank's are kept.
    private func averagedOverRanks(_ out: ObjectiveOutput) -> ObjectiveOutput {
        guard group.isDistributed else { return out }
        let names = out.metrics.keys.sorted()
        let checksum = names.joined(separator: ",").utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF }  // the same on every rank for the same names
        let reported = group.allGather([Float(names.count), Float(checksum)])
        let sameNames = (0..<group.size).allSatisfy { reported[2 * $0] == reported[0] && reported[2 * $0 + 1] == reported[1] }
        let values = group.allReduceMean(out.terms.map { $0.value.scalar } + (sameNames ? names.map { out.metrics[$0]! } : []))
        var averaged = out
        for i in averaged.terms.indices { averaged.terms[i].value = Tensor(values[i]) }
        if sameNames { for (j, name) in names.enumerated() { averaged.metrics[name] = values[out.terms.count + j] } }
        return averaged
    }
}
