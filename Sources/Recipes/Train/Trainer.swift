import Backbones
import DataStore
import Foundation
import Kernels
import NN
import Objectives
import TensorCore

/// Runs a recipe: store → loader → backbone → objective → optimizer/schedule, with metrics,
/// progress, periodic atomic checkpoints, exact resume, NaN detection and end-of-run evaluation.
public struct Trainer {
    /// The resolved recipe.
    public var recipe: Recipe
    /// The run folder.
    public var run: RunDirectory
    /// Where progress lines go (stderr by default).
    public var log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// Whether to draw an updating progress line (nil: when stderr is a terminal).
    public var interactive: Bool? = nil
    /// Test hook: stop (as if killed) after this many optimizer steps of this process.
    public var stopAfterSteps: Int? = nil
    /// Where checkpoints are written (a test injects a full disk).
    public var fileSystem: any FileSystem = POSIXFileSystem()

    /// A trainer for `recipe` writing into `run`.
    public init(recipe: Recipe, run: RunDirectory) {
        self.recipe = recipe
        self.run = run
    }

    /// The per-channel normalisation used for evaluation views.
    var normalization: (mean: [Float], std: [Float]) {
        let n = recipe.data.normalize ?? recipe.data.views.first?.normalize
        return (n?.mean.map { Float($0) } ?? [0], n?.std.map { Float($0) } ?? [1])
    }

    /// Trains (or resumes, when the run folder holds a checkpoint and `resume`) and returns the summary.
    @discardableResult
    public func train(resume: Bool = false) throws -> RunSummary {
        Threading.setCount(max(1, recipe.train.threads ?? 2))
        let backbone = try recipe.trainedModel.makeBackbone(seed: recipe.train.seed)
        return try trainOpened(backbone, resume: resume)
    }

    private func trainOpened<B: Backbone>(_ backbone: B, resume: Bool) throws -> RunSummary {
        var rng = Philox(seed: recipe.train.seed, keys: [0x6f626a])  // "obj"
        switch recipe.objective {
        case .supervised(let o):
            return try loop(TrainModel(backbone: backbone, objective: Supervised<B>(labelSmoothing: Float(o.labelSmoothing))), resume: resume)
        case .byol(let o):
            let byol = BYOL(model: backbone, projectorHidden: o.projectorHidden, projectorOutput: o.projectorOut,
                            predictorHidden: o.predictorHidden, headBatchNorm: o.headBatchNorm, baseMomentum: Float(o.tauBase),
                            probeClasses: recipe.eval.onlineProbe ? recipe.model.classes : nil, rng: &rng)
            return try loop(TrainModel(backbone: backbone, objective: byol), resume: resume)
        case .kd(let o):
            var teacher = try o.teacherModel.makeBackbone(seed: 0)
            let url = URL(fileURLWithPath: o.teacher)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw TrainError.missingFile(path: url.path, what: "teacher checkpoint (objective.kd.teacher)")
            }
            try teacher.load(from: url)
            return try loop(TrainModel(backbone: backbone, objective: HintonKD<B>(teacher: teacher, temperature: Float(o.temperature),
                                                                                   alpha: Float(o.alpha))), resume: resume)
        }
    }

    private func loop<O: Objective>(_ initial: TrainModel<O>, resume: Bool) throws -> RunSummary {
        let started = Date()
        let objectiveName = recipe.objective.name.rawValue
        var model = initial
        let store = try StoreReader(path: recipe.data.train)
        let geo = try FeatureExtractor.imageGeometry(of: store)
        guard geo.channels == recipe.model.inChannels || [1, 3].contains(recipe.model.inChannels) else {
            throw TrainError.incompatibleData("model.in_channels \(recipe.model.inChannels) cannot be made from \(geo.channels)-channel images in \(store.path)")
        }
        if model.objective.needsLabels && (0..<min(store.count, 64)).allSatisfy({ store.label($0) < 0 }) {
            throw TrainError.incompatibleData("objective '\(objectiveName)' needs labels but \(store.path) has none")
        }
        let config = recipe.data.makeLoaderConfig(imageSize: (geo.height, geo.width), channels: recipe.model.inChannels, seed: recipe.train.seed)
        guard config.views.count >= model.objective.viewCount else {
            throw TrainError.incompatibleData("objective '\(objectiveName)' needs \(model.objective.viewCount) views; data.views makes \(config.views.count)")
        }
        let loader = try Loader(store: store, config: config)
        let stepsPerEpoch = loader.stepsPerEpoch
        guard stepsPerEpoch > 0 else {
            throw TrainError.incompatibleData("\(store.path) has \(store.count) samples, fewer than one batch of \(config.batchSize)")
        }
        let totalSteps = min(recipe.train.maxSteps ?? Int.max, recipe.train.epochs * stepsPerEpoch)
        var optimizer = recipe.optimizer.makeOptimizer()
        let schedule = recipe.schedule.makeSchedule(base: Float(recipe.optimizer.lr), totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch)
        let recipeYAML = try recipe.yamlString()

        var state = LoopState(step: 0, epoch: 0, stepInEpoch: 0, bestScore: nil)
        if resume {
            state = try TrainingCheckpoint.load(into: &model, optimizer: &optimizer, name: "last", in: run)
            try MetricsLog.truncate(run.metrics, afterStep: state.step)
            log("resuming \(run.url.path) at step \(state.step) (epoch \(state.epoch), step \(state.stepInEpoch) of it)")
        } else {
            try AtomicFile.write(recipeYAML, to: run.resolvedRecipe)
        }
        let metrics = try MetricsLog(url: run.metrics)
        defer { metrics.close() }
        let progress = ProgressReporter(label: objectiveName, total: totalSteps, startStep: state.step, interactive: interactive)
        var summary = RunSummary(status: .running, objective: objectiveName, backbone: recipe.model.backbone, steps: state.step,
                                 startedAt: started)
        var lastCheckpoint: String? = resume ? run.checkpoint(named: "last").path : nil
        let checkpointEvery = recipe.train.checkpointEvery ?? stepsPerEpoch
        var stepsThisProcess = 0, imagesSeen = 0
        var computeSeconds = 0.0, waitSeconds = 0.0
        var windowWait = 0.0, windowTime = 0.0, windowImages = 0

        func saveCheckpoint(_ name: String) throws {
            try TrainingCheckpoint.save(model, optimizer: optimizer, loop: state, recipeYAML: recipeYAML, name: name, in: run,
                                        fileSystem: fileSystem)
            if name == "last" { lastCheckpoint = run.checkpoint(named: "last").path }
        }

        epochs: while state.step < totalSteps && state.epoch < recipe.train.epochs {
            let it = try loader.epoch(state.epoch, startingAt: state.stepInEpoch)
            while state.step < totalSteps {
                let waitStart = Date()
                guard let batch = try it.next() else { break }
                let stepStart = Date()
                let wait = stepStart.timeIntervalSince(waitStart)
                let views = batch.views.map { Tensor(shape: Shape($0.shape), scalars: $0.pixels) }
                let labels = batch.labels.contains(where: { $0 < 0 }) ? nil : IntTensor(shape: [batch.labels.count], scalars: batch.labels)
                let tb = TrainingBatch(views: views, labels: labels, sampleIDs: batch.sampleIDs)
                var context = Context(training: true, rng: Philox(seed: recipe.train.seed, keys: [0x73746570, UInt64(state.step)]))
                let out: ObjectiveOutput
                let total: Tensor
                var grads: [String: Tensor]
                do {
                    let tape = Tape()
                    context.tape = tape
                    let watched = model.watchParameters(on: tape)
                    out = model.objective.losses(model: &model.backbone, batch: tb, context: &context)
                    for term in out.terms where !term.value.scalar.isFinite {
                        model.detachParameters()
                        throw TrainError.nonFiniteLoss(step: state.step, term: term.name, value: term.value.scalar, lastCheckpoint: lastCheckpoint)
                    }
                    total = out.total
                    grads = tape.gradients(of: total, wrt: watched)
                }
                model.detachParameters()
                if let clip = recipe.optimizer.clipGradNorm { _ = GradientClipping.clipByGlobalNorm(&grads, maxNorm: Float(clip)) }
                let lr = schedule.value(at: state.step)
                optimizer.learningRate = lr
                optimizer.step(model: &model, gradients: grads)
                state.step += 1
                state.stepInEpoch += 1
                model.objective.afterStep(model: model.backbone, progress: TrainingProgress(step: state.step, totalSteps: totalSteps, epoch: state.epoch))
                stepsThisProcess += 1

                let n = batch.labels.count
                let stepSeconds = Date().timeIntervalSince(stepStart)
                computeSeconds += stepSeconds
                waitSeconds += wait
                imagesSeen += n
                windowWait += wait; windowTime += stepSeconds + wait; windowImages += n
                let lossValue = Double(total.scalar)
                progress.update(step: state.step, items: imagesSeen, loss: lossValue)
                if state.step % max(recipe.train.logEvery, 1) == 0 || state.step == totalSteps {
                    var losses: [String: Double] = [:]
                    for t in out.terms { losses[t.name] = Double(t.value.scalar) }
                    let record = MetricsRecord(step: state.step, epoch: Double(state.step) / Double(stepsPerEpoch), loss: lossValue,
                                               losses: losses, lr: Double(lr), imagesPerSecond: Double(windowImages) / max(windowTime, 1e-9),
                                               dataWaitSeconds: windowWait, metrics: out.metrics.mapValues { Double($0) },
                                               elapsedSeconds: Date().timeIntervalSince(started))
                    try metrics.append(record)
                    summary.finalLosses = losses
                    windowWait = 0; windowTime = 0; windowImages = 0
                }
                if state.step % checkpointEvery == 0 && state.step < totalSteps {
                    try saveCheckpoint("last")
                }
                if let stop = stopAfterSteps, stepsThisProcess >= stop {
                    progress.finish("stopped after \(stepsThisProcess) steps (test hook)")
                    return summary
                }
            }
            if state.step < totalSteps || state.stepInEpoch >= stepsPerEpoch {
                state.epoch += 1
                state.stepInEpoch = 0
            }
            if state.step >= totalSteps { break epochs }
            // Periodic kNN on frozen features (every `eval.knn_every` epochs; the end of the run is
            // evaluated below): logged as `knn_top1`, and the best backbone so far kept as `best`.
            if recipe.eval.knnEvery > 0, recipe.data.test != nil, state.epoch % recipe.eval.knnEvery == 0 {
                let score = try knnTopOne(model.backbone)
                try metrics.append(MetricsRecord(step: state.step, epoch: Double(state.epoch), metrics: ["knn_top1": score]))
                log("epoch \(state.epoch): kNN top-1 \(String(format: "%.4f", score))")
                if score > (state.bestScore ?? -1) {
                    state.bestScore = score
                    try model.backbone.save(to: run.checkpoint(named: "best"), metadata: ["step": String(state.step), "recipe": recipeYAML],
                                            fileSystem: fileSystem)
                }
            }
        }
        progress.finish()
        try saveCheckpoint("last")
        summary.status = .completed
        summary.steps = state.step
        summary.epochs = Double(state.step) / Double(stepsPerEpoch)
        summary.wallSeconds = Date().timeIntervalSince(started)
        summary.imagesPerSecond = Double(imagesSeen) / max(computeSeconds + waitSeconds, 1e-9)
        summary.metrics["data_wait_fraction"] = waitSeconds / max(computeSeconds + waitSeconds, 1e-9)
        summary.finishedAt = RunSummary.timestamp(Date())
        try evaluate(model.backbone, summary: &summary)
        // `best` is the last checkpoint unless a periodic kNN score beat the final one.
        if let best = state.bestScore, let final = summary.metrics["knn_top1"], best > final {
            summary.metrics["best_knn_top1"] = best
        } else {
            try copyCheckpoint(from: "last", to: "best")
        }
        try summary.write(to: run.summary)
        return summary
    }

    private func copyCheckpoint(from: String, to: String) throws {
        let data = try Data(contentsOf: run.checkpoint(named: from))
        try AtomicFile.write(data, to: run.checkpoint(named: to))
    }

    /// Frozen-backbone features of the train and test stores (no augmentation, run normalisation).
    private func features<B: Backbone>(of backbone: B, test: String, withLogits: Bool = false) throws
        -> (train: ExtractedFeatures, test: ExtractedFeatures) {
        let norm = normalization
        func extract(_ path: String) throws -> ExtractedFeatures {
            try FeatureExtractor.extract(backbone, storePath: path, mean: norm.mean, std: norm.std,
                                         channels: recipe.model.inChannels, withLogits: withLogits)
        }
        return (try extract(recipe.data.train), try extract(test))
    }

    /// kNN top-1 of `backbone`'s frozen features (train store as the bank, test store as queries).
    private func knnTopOne<B: Backbone>(_ backbone: B) throws -> Double {
        guard let test = recipe.data.test else { return 0 }
        let f = try features(of: backbone, test: test)
        return try Probe.run(train: f.train, test: f.test, source: run.url.lastPathComponent, eval: recipe.eval,
                             classCount: recipe.model.classes, linear: false, knn: true).knn?.top1 ?? 0
    }

    /// End-of-run evaluation: kNN and/or linear probe on frozen features when a test store is set.
    private func evaluate<B: Backbone>(_ backbone: B, summary: inout RunSummary) throws {
        guard let test = recipe.data.test, recipe.eval.linearProbe || recipe.eval.knnEvery > 0 else { return }
        log("evaluating: extracting features of \(recipe.data.train) and \(test)")
        let (train, testF) = try features(of: backbone, test: test, withLogits: true)
        let report = try Probe.run(train: train, test: testF, source: run.url.lastPathComponent, eval: recipe.eval,
                                   classCount: recipe.model.classes)
        summary.probe = report
        if let l = testF.logits {
            let acc = Supervised<B>.accuracy(l, testF.labels)
            summary.metrics["test_accuracy"] = Double(acc)
        }
        if let k = report.knn { summary.metrics["knn_top1"] = k.top1 }
        if let l = report.linear { summary.metrics["linear_top1"] = l.top1 }
        log(report.table())
    }
}
