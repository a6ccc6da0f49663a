import Backbones
import DataStore
import Foundation
import NN
import Objectives
import Recipes
import TensorCore
import XCTest

/// Supervised training plus a FIFO queue of detached features that enters the loss (as SwAV's
/// queue or a memory bank does), kept as objective state; it also checks that `losses` sees the
/// step the run is at, and records what the loop showed it.
struct QueueObjective<Model: Backbone>: Objective {
    var queue: Tensor
    /// Steps seen so far (state): must equal `progress.step` in every `losses` call, also after a resume.
    var seen: Int64 = 0
    final class Log: @unchecked Sendable {
        var trainedIDs: Set<UInt64> = []
        var passIDs: [UInt64] = []
        var epochStarts: [Int] = []
        var epochEnds: [Int] = []
    }
    let log: Log

    init(featureCount: Int, length: Int, log: Log) {
        queue = Tensor(zeros: [length, featureCount])
        self.log = log
    }

    var viewCount: Int { 1 }
    var needsLabels: Bool { true }
    mutating func visitParameters(_ visitor: inout ParameterVisitor) {}

    mutating func losses(model: inout Model, batch: TrainingBatch, progress: TrainingProgress, context: inout Context) throws -> ObjectiveOutput {
        precondition(Int(seen) == progress.step, "losses saw step \(progress.step), the objective counted \(seen)")
        log.trainedIDs.formUnion(batch.sampleIDs)
        let out = model.extract(batch.views[0], context: &context)
        let logits = model.classify(out.features)!
        let ce = Tensor.crossEntropy(logits: logits, labels: batch.labels!)
        let pull = (out.features * queue.mean(alongAxes: [0])).sum(alongAxes: [1]).mean() * 1e-3
        let n = min(batch.count, queue.shape[0])
        let fresh = out.features.detached.slice(alongAxis: 0, 0..<n)
        queue = Tensor.concatenate([fresh, queue.slice(alongAxis: 0, 0..<(queue.shape[0] - n))], alongAxis: 0)
        return ObjectiveOutput(terms: [LossTerm("ce", ce), LossTerm("pull", pull)])
    }

    mutating func afterStep(model: Model, progress: TrainingProgress) { seen += 1 }

    mutating func epochStart(model: inout Model, progress: TrainingProgress, data: DatasetPass) throws {
        log.epochStarts.append(progress.epoch)
        try data.forEachBatch { log.passIDs.append(contentsOf: $0.sampleIDs) }
    }

    mutating func epochEnd(model: inout Model, progress: TrainingProgress, data: DatasetPass) throws {
        log.epochEnds.append(progress.epoch)
    }

    var state: SafeTensors {
        SafeTensors(tensors: ["queue": queue], integers: ["seen": Int64Tensor(shape: [], scalars: [seen])])
    }

    mutating func loadState(_ state: SafeTensors, file: String) throws {
        guard let q = state.tensors["queue"], let s = state.integers["seen"] else {
            throw CheckpointError.missingKey(file: file, key: "queue", expectedShape: queue.shape)
        }
        queue = q
        seen = s.scalars[0]
    }
}

extension TrainerTests {
    typealias Net = ResNet<BasicBlock>

    func trainQueue(
        _ name: String, steps: Int, extra: [String] = [], stopAfter: Int? = nil, resume: Bool = false,
        log: QueueObjective<Net>.Log = .init()
    ) throws -> (RunSummary, RunDirectory) {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        let t = try trainer(file, extra: extra, name: name, steps: steps, resume: resume, stopAfter: stopAfter)
        let summary = try t.train(resume: resume) { (model: Net, _) in QueueObjective<Net>(featureCount: model.featureCount, length: 24, log: log) }
        return (summary, t.run)
    }

    func testObjectiveStateAndProgressSurviveAResumeBitExactly() throws {
        let extra = ["train.checkpoint_every=3", "train.epochs=2"]
        let (_, straight) = try trainQueue("queue-straight", steps: 20, extra: extra)
        _ = try trainQueue("queue-killed", steps: 20, extra: extra, stopAfter: 10)
        let (resumed, killed) = try trainQueue("queue-killed", steps: 20, extra: extra, resume: true)
        XCTAssertEqual(resumed.steps, 20)
        for part in ["last", "last.state", "last.optimizer"] {
            let a = try SafeTensors.read(from: straight.checkpoint(named: part))
            let b = try SafeTensors.read(from: killed.checkpoint(named: part))
            for (k, t) in a.tensors { XCTAssertEqual(t.scalars, b.tensors[k]?.scalars, "\(part) \(k)") }
            for (k, t) in a.integers { XCTAssertEqual(t.scalars, b.integers[k]?.scalars, "\(part) \(k)") }
        }
        XCTAssertEqual(try SafeTensors.read(from: killed.checkpoint(named: "last.state")).integers["seen"]?.scalars, [20])
    }

    func testTrainingNeverSeesTheValidationPartAndHooksSeeTheTrainingPart() throws {
        let log = QueueObjective<Net>.Log()
        let (summary, run) = try trainQueue("split", steps: 28, extra: ["train.epochs=2", "eval.knn_every=0"], log: log)
        XCTAssertEqual(summary.steps, 28)
        let held = Set(try String(contentsOf: run.validationIDs, encoding: .utf8).split(separator: "\n").map { UInt64($0)! })
        XCTAssertEqual(held.count, 32, "12.5% of 256")
        XCTAssertTrue(log.trainedIDs.isDisjoint(with: held), "the training loader yielded a validation sample")
        XCTAssertEqual(log.trainedIDs.count, 224)
        XCTAssertEqual(log.epochStarts, [0, 1])
        XCTAssertEqual(log.epochEnds, [0, 1])
        XCTAssertEqual(log.passIDs.count, 2 * 224, "each epoch-start pass visits the training part once")
        XCTAssertTrue(Set(log.passIDs).isDisjoint(with: held))
        XCTAssertEqual(ValidationSplit(count: 256, fraction: 0.125, seed: 0), ValidationSplit(count: 256, fraction: 0.125, seed: 0))
        XCTAssertNotEqual(ValidationSplit(count: 256, fraction: 0.125, seed: 0), ValidationSplit(count: 256, fraction: 0.125, seed: 1))
    }

    func testOptimizerGroupsFreezeAndOwnTheirParameters() throws {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        let groups = "optimizer.groups=[{params: [\"fc.*\"], freeze_steps: 2, name: adamw, lr: 0.01}, {params: [\"layer4.?.conv1.*\"], lr: 1.0e-30}]"
        let (_, frozenRun) = try run(file, extra: [groups, "train.checkpoint_every=2"], name: "groups", steps: 3, stopAfter: 2)
        let initial = try RecipeLoader().load(contentsOf: frozenRun.resolvedRecipe).trainedModel.makeBackbone(seed: 0).stateDict
        let after2 = try SafeTensors.read(from: frozenRun.checkpoint(named: "last"))
        XCTAssertEqual(after2.tensors["fc.weight"]?.scalars, initial["fc.weight"]?.scalars, "fc is frozen for 2 steps")
        XCTAssertEqual(after2.tensors["layer4.0.conv1.weight"]?.scalars, initial["layer4.0.conv1.weight"]?.scalars, "lr 1e-30 rounds away")
        XCTAssertNotEqual(after2.tensors["conv1.weight"]?.scalars, initial["conv1.weight"]?.scalars, "the main optimizer trains the rest")
        let opt = try SafeTensors.read(from: frozenRun.checkpoint(named: "last.optimizer"))
        XCTAssertFalse(opt.tensors.keys.contains { $0.hasPrefix("group0/") }, "a frozen group has no state yet")
        XCTAssertTrue(opt.tensors.keys.contains { $0.hasPrefix("group1/layer4.0.conv1.weight") }, "\(opt.tensors.keys.sorted().prefix(3))")
        XCTAssertFalse(opt.tensors.keys.contains { $0.hasPrefix("fc.") || $0.hasPrefix("layer4.0.conv1.") }, "the main optimizer does not own them")
        let (_, resumed) = try run(file, extra: [groups, "train.checkpoint_every=2"], name: "groups", steps: 3, resume: true)
        let after3 = try SafeTensors.read(from: resumed.checkpoint(named: "last"))
        XCTAssertNotEqual(after3.tensors["fc.weight"]?.scalars, initial["fc.weight"]?.scalars, "fc trains from step 2 on")
        XCTAssertTrue(
            try SafeTensors.read(from: resumed.checkpoint(named: "last.optimizer")).tensors.keys.contains { $0.hasPrefix("group0/fc.weight.") })
    }

    func testOptimizerGroupErrorsNameTheKey() throws {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        for (override, path) in [
            ("optimizer.params=[\"fc.*\"]", "optimizer.params"),
            ("optimizer.groups=[{params: [\"fc.*\"], lrr: 0.1}]", "optimizer.groups.0.lrr"),
            ("optimizer.groups=[{lr: 0.1}]", "optimizer.groups.0.params"),
            ("optimizer.groups=[{params: [\"fc.*\"], clip_grad_norm: 1.0}]", "optimizer.groups.0.clip_grad_norm"),
        ] {
            XCTAssertThrowsError(try RecipeLoader().load(contentsOf: file, overrides: [override])) { e in
                XCTAssertEqual((e as? RecipeError)?.keyPath, path, "\(e)")
            }
        }
        // A group inherits the main section's values and round-trips through resolved.yaml.
        let r = try RecipeLoader().load(contentsOf: file, overrides: ["optimizer.groups=[{params: [\"fc.*\"], lr: 0.5}]"])
        XCTAssertEqual(r.optimizer.groups[0].optimizer.momentum, r.optimizer.momentum)
        XCTAssertEqual(r.optimizer.groups[0].optimizer.lr, 0.5)
        XCTAssertEqual(try RecipeLoader().load(yaml: try r.yamlString()), r)
    }

    func testModelInitStartsFromACheckpoint() throws {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        let (_, first) = try run(file, name: "pretrained")
        let path = first.checkpoint(named: "last").path
        let trained = try SafeTensors.read(from: first.checkpoint(named: "last"))
        let recipe = try RecipeLoader().load(contentsOf: file, overrides: ["model.width=0.125", "model.init=\(path)"])
        let model = try recipe.trainedModel.makeInitialBackbone(seed: 7).stateDict
        for (k, t) in trained.tensors { XCTAssertEqual(model[k]?.scalars, t.scalars, k) }
        // A new classifier on the pretrained trunk: `ignore` keeps fc fresh.
        let fresh = try RecipeLoader().load(contentsOf: file, overrides: ["model.width=0.125", "model.init={path: \(path), ignore: [fc.]}"])
        let ignored = try fresh.trainedModel.makeInitialBackbone(seed: 7).stateDict
        XCTAssertEqual(ignored["conv1.weight"]?.scalars, trained.tensors["conv1.weight"]?.scalars)
        XCTAssertNotEqual(ignored["fc.weight"]?.scalars, trained.tensors["fc.weight"]?.scalars)
        // A missing file and a checkpoint of another width name the problem.
        let missing = try RecipeLoader().load(contentsOf: file, overrides: ["model.init=/nonexistent/w.safetensors"])
        XCTAssertThrowsError(try missing.trainedModel.makeInitialBackbone(seed: 0)) { e in
            XCTAssertTrue("\(e)".contains("model.init") && "\(e)".contains("/nonexistent/w.safetensors"), "\(e)")
        }
        let wide = try RecipeLoader().load(contentsOf: file, overrides: ["model.width=0.25", "model.init=\(path)"])
        XCTAssertThrowsError(try wide.trainedModel.makeInitialBackbone(seed: 0)) { e in XCTAssertTrue("\(e)".contains("conv1.weight"), "\(e)") }
    }

    func testBatchMixingFromTheRecipeReachesTheObjective() throws {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        let (summary, _) = try run(file, extra: ["data.mix={mixup_alpha: 0.4, cutmix_alpha: 1.0}"], name: "mix", steps: 3)
        XCTAssertFalse(summary.finalLosses.isEmpty)
        XCTAssertTrue(summary.finalLosses.values.allSatisfy { $0.isFinite })
        XCTAssertThrowsError(try RecipeLoader().load(contentsOf: file, overrides: ["data.mix={mixup_alpha: 0}"])) { e in
            XCTAssertEqual((e as? RecipeError)?.keyPath, "data.mix.mixup_alpha", "\(e)")
        }
        // The objective sees the loader's mix record.
        var config = LoaderConfig(batchSize: 8, views: [DataStore.ViewSpec(crop: .center, outHeight: 28, outWidth: 28)])
        config.mix = MixConfig(mixupAlpha: 0.4)
        let batch = try Loader(store: StoreReader(path: TinyStores.train()), config: config).epoch(0).next()!
        let tb = TrainingBatch(batch)
        XCTAssertEqual(tb.mix?.partner, batch.mix?.partner)
        XCTAssertEqual(tb.mix?.lambda, batch.mix?.lambda)
        let targets = tb.mix!.targets(tb.labels!, classCount: 10)
        XCTAssertEqual(targets.sum().scalar, 8, accuracy: 1e-4, "each row sums to one")
    }

    func testTrainingBatchCarriesBoxesFlipsAndGroups() throws {
        var big = DataStore.ViewSpec(crop: .randomResized(scale: 0.3...1, ratio: 0.75...1.333), outHeight: 28, outWidth: 28)
        big.flipProbability = 0.5
        let small = DataStore.ViewSpec(crop: .randomResized(scale: 0.05...0.3, ratio: 0.75...1.333), outHeight: 12, outWidth: 12)
        let config = LoaderConfig(batchSize: 16, views: [big, big, small, small, small])
        let batch = try Loader(store: StoreReader(path: TinyStores.train()), config: config).epoch(0).next()!
        let tb = TrainingBatch(batch)
        XCTAssertEqual(tb.viewGroups, [[0, 1], [2, 3, 4]])
        XCTAssertEqual(tb.groupedViews([2, 3, 4]).shape, [48, 1, 12, 12])
        for (v, info) in tb.viewInfo.enumerated() {
            XCTAssertEqual(info.boxes.shape, [16, 4])
            for i in 0..<16 {
                let p = batch.views[v].params[i]
                let b = Array(info.boxes.scalars[4 * i..<4 * i + 4])
                XCTAssertEqual(info.flipped[i], p.flipped)
                XCTAssertEqual(b[0] > b[2], p.flipped, "a flipped view has x0 > x1")
                XCTAssertEqual(b[1], Float(p.top) / 27, accuracy: 1e-6)
            }
        }
        XCTAssertTrue(tb.viewInfo[0].flipped.contains(true) && tb.viewInfo[0].flipped.contains(false))
        XCTAssertEqual(tb.sampleIDs, batch.sampleIDs)
        XCTAssertEqual(tb.texts, batch.texts, "the tiny stores carry captions")
        XCTAssertNil(tb.text, "captions are tokenised only for an objective with a text pipeline")
    }
}
