import Foundation
import NN
import Objectives
import Support
import TensorCore

/// The loop around `TrainStep`: epochs over the training loader, the objective's epoch hooks,
/// metrics and progress, periodic atomic checkpoints (model, objective, optimizers, objective
/// state, loop state), periodic kNN on the validation part with `best` selection, and the
/// evaluation of the selected backbone on the test split once at the end.
struct RunLoop<O: Objective> {
    let trainer: Trainer
    var model: TrainModel<O>
    var step: TrainStep
    var state = LoopState(step: 0, epoch: 0, stepInEpoch: 0, bestScore: nil)
    let data: TrainingData
    let recipeYAML: String
    var lastCheckpoint: String?
    /// Training seconds of the run's earlier processes (from the checkpoint a resume starts from).
    private var earlierSeconds = 0.0
    private let processStart = Date()
    /// Training seconds of the run so far, earlier processes included; saved with each checkpoint.
    private var elapsedSeconds: Double { earlierSeconds + Date().timeIntervalSince(processStart) }
    /// Whether the log already said that captions are cut to the text context (said once per process).
    var saidTruncated = false
    private var recipe: Recipe { trainer.recipe }
    private var run: RunDirectory { trainer.run }
    /// Whether this process writes the run's files (one process, or rank 0 of a data-parallel run).
    private var isWriter: Bool { trainer.communicator.isWriter }

    init(trainer: Trainer, model: TrainModel<O>) throws {
        self.trainer = trainer
        self.model = model
        data = try TrainingData(recipe: trainer.recipe, objective: model.objective, group: trainer.communicator)
        step = TrainStep(
            optimizers: OptimizerSet(recipe: trainer.recipe, totalSteps: data.totalSteps, stepsPerEpoch: data.stepsPerEpoch),
            clipGradNorm: trainer.recipe.optimizer.clipGradNorm.map { Float($0) }, group: trainer.communicator)
        recipeYAML = try trainer.recipe.yamlString()
    }

    /// Where the run is, as objectives see it.
    var progress: TrainingProgress {
        TrainingProgress(step: state.step, totalSteps: data.totalSteps, epoch: state.epoch, stepsPerEpoch: data.stepsPerEpoch)
    }

    /// Trains to the end (or to the test hook's stop) and returns the summary.
    mutating func run(resume: Bool) throws -> RunSummary {
        let started = Date()
        if resume {
            state = try TrainingCheckpoint.load(into: &model, optimizers: &step.optimizers, name: "last", in: run)
            lastCheckpoint = run.checkpoint(named: "last").path
            earlierSeconds = state.elapsedSeconds ?? 0
            if isWriter { try MetricsLog.truncate(run.metrics, afterStep: state.step) }
            trainer.log("resuming \(run.url.path) at step \(state.step) (epoch \(state.epoch), step \(state.stepInEpoch) of it)")
        } else if isWriter {
            try AtomicFile.write(recipeYAML, to: run.resolvedRecipe, fileSystem: trainer.fileSystem)
            if !data.split.isEmpty {
                try data.split.write(ids: data.store.sampleID, to: run.validationIDs, fileSystem: trainer.fileSystem)
            }
        }
        let metrics = isWriter ? try MetricsLog(url: run.metrics) : MetricsLog(discarding: run.metrics)
        defer { metrics.close() }
        let board =
            try recipe.train.tensorboard && isWriter
            ? TensorBoardWriter(
                folder: run.url, recipeYAML: recipeYAML, replay: resume ? MetricsLog.read(run.metrics) : [],
                fileSystem: trainer.fileSystem) : nil
        defer { board?.close() }
        metrics.onAppend = board.map { b in { try b.append($0) } }
        var meter = RunMeter(
            trainer: trainer, objective: recipe.objective.name, totalSteps: data.totalSteps, startStep: state.step,
            earlierSeconds: state.elapsedSeconds ?? 0)
        var summary = RunSummary(
            status: .running, objective: recipe.objective.name, backbone: recipe.model.backbone, steps: state.step,
            startedAt: started)
        let reports = HookReports()
        let pass = data.datasetPass { reports.pending.append($0) }
        // RankMe is logged after the checkpoint of its step, so a run resumed from that checkpoint logs it again.
        if resume && rankMeDue && isWriter { try logRankMe(metrics: metrics, summary: &summary) }
        while state.step < data.totalSteps && state.epoch < recipe.train.epochs {
            if state.stepInEpoch == 0 {
                try model.objective.epochStart(model: &model.backbone, progress: progress, data: pass)
                try log(reports, to: metrics)
            }
            if try !runEpoch(metrics: metrics, meter: &meter, summary: &summary, pass: pass, reports: reports) { return summary }
            if state.stepInEpoch >= data.stepsPerEpoch {
                try model.objective.epochEnd(model: &model.backbone, progress: progress, data: pass)
                try log(reports, to: metrics)
            }
            if state.step < data.totalSteps || state.stepInEpoch >= data.stepsPerEpoch {
                state.epoch += 1
                state.stepInEpoch = 0
            }
            if state.step >= data.totalSteps { break }
            try evaluatePeriodically(metrics: metrics)
        }
        meter.progress.finish()
        try saveCheckpoint("last")
        summary.status = .completed
        summary.steps = state.step
        summary.epochs = Double(state.step) / Double(data.stepsPerEpoch)
        summary.wallSeconds = elapsedSeconds
        meter.finish(into: &summary, stepsPerEpoch: data.stepsPerEpoch)
        guard isWriter else { return summary }  // rank 0 evaluates and writes the summary
        summary.finishedAt = RunSummary.timestamp(Date())
        summary.metrics.merge(try objectiveValidationMetrics()) { _, new in new }
        var selected = try RunEvaluation(trainer: trainer, split: data.split).finish(model.backbone, bestScore: state.bestScore, summary: &summary)
        summary.metrics.merge(try objectiveTestMetrics(&selected)) { _, new in new }
        try board?.append(
            MetricsRecord(
                step: state.step, epoch: summary.epochs,
                metrics: Dictionary(uniqueKeysWithValues: summary.metrics.map { ("final_" + $0.key, $0.value) })))
        try summary.write(to: run.summary)
        return summary
    }

    /// The steps of the current epoch from `state.stepInEpoch`; false when the test hook stopped the run.
    private mutating func runEpoch(
        metrics: MetricsLog, meter: inout RunMeter, summary: inout RunSummary, pass: DatasetPass,
        reports: HookReports
    ) throws -> Bool {
        let it = try data.batches.epoch(state.epoch, startingAt: state.stepInEpoch, globalStep: state.step)
        let checkpointEvery = recipe.train.checkpointEvery ?? data.stepsPerEpoch
        while state.step < data.totalSteps {
            let waitStart = Date()
            guard let loaded = try it.next() else { break }
            try model.objective.beforeStep(model: &model.backbone, progress: progress, data: pass)
            try log(reports, to: metrics)
            let stepStart = Date()
            let batch = try data.trainingBatch(loaded, step: state.step)
            if !saidTruncated, let text = batch.text, text.truncatedCount > 0 {
                saidTruncated = true
                trainer.log(
                    "step \(state.step): \(text.truncatedCount) of \(batch.count) captions are longer than the text context "
                        + "(\(text.ids.shape[1]) tokens with start and end) and were truncated; said once")
            }
            var context = stepContext()
            let result = try step.run(&model, batch: batch, progress: progress, context: &context, lastCheckpoint: lastCheckpoint)
            state.step += 1
            state.stepInEpoch += 1
            model.objective.afterStep(model: model.backbone, progress: progress)
            let lrs = step.optimizers.learningRates(at: state.step - 1)
            if let record = meter.stepDone(
                state.step, images: batch.count * trainer.communicator.size, wait: stepStart.timeIntervalSince(waitStart),
                compute: Date().timeIntervalSince(stepStart), result: result, learningRates: lrs,
                stepsPerEpoch: data.stepsPerEpoch)
            {
                try metrics.append(record)
                summary.finalLosses = record.losses
            }
            if state.step % checkpointEvery == 0 && state.step < data.totalSteps { try saveCheckpoint("last") }
            if rankMeDue && isWriter { try logRankMe(metrics: metrics, summary: &summary) }
            if meter.stopRequested {
                meter.progress.finish("stopped after \(meter.stepsThisProcess) steps (test hook)")
                return false
            }
        }
        return true
    }

    /// Every `eval.knn_every` epochs: kNN top-1 of the validation part against the training part,
    /// logged as `val_knn_top1`; the best backbone so far is kept as `best`.
    private mutating func evaluatePeriodically(metrics: MetricsLog) throws {
        guard isWriter, recipe.eval.knnEvery > 0, !data.split.isEmpty, state.epoch % recipe.eval.knnEvery == 0 else { return }
        let score = try RunEvaluation(trainer: trainer, split: data.split).validationKNN(model.backbone)
        let heads = try objectiveValidationMetrics()
        try metrics.append(MetricsRecord(step: state.step, epoch: Double(state.epoch), metrics: heads.merging(["val_knn_top1": score]) { a, _ in a }))
        trainer.log("epoch \(state.epoch): validation kNN top-1 \(String(format: "%.4f", score))")
        if score > (state.bestScore ?? -1) {
            state.bestScore = score
            try model.backbone.save(
                to: run.checkpoint(named: "best"), metadata: ["step": String(state.step), "recipe": recipeYAML],
                fileSystem: trainer.fileSystem)
        }
    }

    /// The objective's metrics on the validation part (`Objective.validationMetrics`), `val_`-prefixed.
    private mutating func objectiveValidationMetrics() throws -> [String: Double] {
        guard !data.split.isEmpty else { return [:] }
        let values = try model.objective.validationMetrics(model: &model.backbone, data: data.validationPass())
        return Dictionary(uniqueKeysWithValues: values.map { ("val_" + $0.key, Double($0.value)) })
    }

    /// The objective's held-out metrics (`Objective.validationMetrics`) of the selected backbone on the
    /// test split, `test_`-prefixed (distillation: `test_agreement`, `test_teacher_kl`); scored once, at the end.
    private mutating func objectiveTestMetrics(_ backbone: inout O.Model) throws -> [String: Double] {
        guard recipe.eval.linearProbe || recipe.eval.knnEvery > 0, let pass = try data.testPass() else { return [:] }
        let values = try model.objective.validationMetrics(model: &backbone, data: pass)
        return Dictionary(uniqueKeysWithValues: values.map { ("test_" + $0.key, Double($0.value)) })
    }

    /// Loads the checkpoint set `name` and scores it on the validation part: `val_knn_top1` and the
    /// objective's validation metrics, with `step` (`retort evaluate`).
    mutating func evaluate(checkpoint name: String) throws -> [String: Double] {
        state = try TrainingCheckpoint.load(into: &model, optimizers: &step.optimizers, name: name, in: run)
        guard !data.split.isEmpty else {
            throw TrainError.incompatibleData("the run has no validation part (data.val_fraction is 0); nothing to evaluate on")
        }
        var out = try objectiveValidationMetrics()
        out["val_knn_top1"] = try RunEvaluation(trainer: trainer, split: data.split).validationKNN(model.backbone)
        out["step"] = Double(state.step)
        return out
    }

    /// Whether `eval.rankme_every` asks for RankMe at the current step (and always at the last).
    private var rankMeDue: Bool {
        let every = recipe.eval.rankMeEvery
        return every > 0 && state.step > 0 && (state.step % every == 0 || state.step == data.totalSteps)
    }

    /// Logs `rankme` of the current backbone on the fixed monitor batch at the current step.
    private func logRankMe(metrics: MetricsLog, summary: inout RunSummary) throws {
        let rank = try RunEvaluation(trainer: trainer, split: data.split).rankMe(model.backbone)
        try metrics.append(MetricsRecord(step: state.step, epoch: Double(state.step) / Double(data.stepsPerEpoch), metrics: ["rankme": rank]))
        summary.metrics["rankme"] = rank
    }

    /// Metrics the epoch and step hooks reported through `DatasetPass.report`, waiting to be logged.
    private final class HookReports {
        var pending: [[String: Float]] = []
    }

    /// Appends what the hooks reported as records at the current step (and a progress line).
    private func log(_ reports: HookReports, to metrics: MetricsLog) throws {
        for m in reports.pending {
            try metrics.append(MetricsRecord(step: state.step, epoch: Double(state.epoch), metrics: m.mapValues { Double($0) }))
            trainer.log(
                "step \(state.step) (epoch \(state.epoch)): " + m.keys.sorted().map { String(format: "%@ %.4g", $0, m[$0]!) }.joined(separator: ", "))
        }
        reports.pending = []
    }

    /// The training context of the current step: its random stream (per rank in a data-parallel run,
    /// whose ranks see different samples), the ranks and `train.sync_batchnorm`.
    private func stepContext() -> Context {
        let group = trainer.communicator
        let keys = [0x7374_6570, UInt64(state.step)] + (group.isDistributed ? [UInt64(group.rank)] : [])
        return Context(
            training: true, rng: Philox(seed: recipe.train.seed, keys: keys), communicator: group,
            syncBatchNorm: recipe.train.syncBatchNorm)
    }

    /// Writes the checkpoint set `name` (rank 0 only; every rank remembers it as the last one).
    private mutating func saveCheckpoint(_ name: String) throws {
        guard isWriter else {
            if name == "last" { lastCheckpoint = run.checkpoint(named: "last").path }
            return
        }
        state.elapsedSeconds = elapsedSeconds
        try TrainingCheckpoint.save(
            model, optimizers: step.optimizers, loop: state, recipeYAML: recipeYAML, name: name, in: run,
            fileSystem: trainer.fileSystem)
        if name == "last" { lastCheckpoint = run.checkpoint(named: "last").path }
    }
}
