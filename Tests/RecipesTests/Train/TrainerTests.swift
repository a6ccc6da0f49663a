import Foundation
import NN
import Recipes
import Support
import TensorCore
import TestSupport
import XCTest

/// The runner end to end on tiny real stores: every shipped recipe for two steps, exact resume,
/// NaN stop, and the user errors the issue lists.
final class TrainerTests: XCTestCase {
    var tmp: TemporaryDirectory!
    override func setUpWithError() throws { tmp = try TemporaryDirectory() }
    override func tearDown() { tmp.remove() }

    /// Overrides that shrink any recipe to a couple of steps of a narrow model on the tiny stores.
    func tinyOverrides(_ recipe: Recipe, steps: Int = 2) throws -> [String] {
        var o = [
            "data.train=\(try TinyStores.train())", "data.test=\(try TinyStores.test())", "data.batch_size=16",
            "data.workers=1", "train.max_steps=\(steps)", "train.epochs=1", "model.width=0.125", "train.threads=1",
            "eval.linear_probe=false", "eval.knn_every=1", "data.val_fraction=0.125",
        ]
        // Narrow every head of the objective (`*_hidden` and `*_out` options) and every teacher.
        let name = recipe.objective.name
        for line in try recipe.objective.entry.defaultOptionsYAML().split(separator: "\n") where !line.hasPrefix(" ") {
            let key = line.split(separator: ":")[0]
            if key.hasSuffix("_hidden") { o.append("objective.\(name).\(key)=32") }
            if key.hasSuffix("_out") { o.append("objective.\(name).\(key)=16") }
        }
        for (path, _) in recipe.objective.options.models { o.append(path.joined(separator: ".") + ".width=0.125") }
        if recipe.data.extra != nil { o.append("data.extra.store=\(try TinyStores.unlabelled())") }
        return o
    }

    /// Overrides that give every teacher of `recipe` the tiny teacher `checkpoint` (a tiny resnet18) and,
    /// when the recipe starts its student from a checkpoint (`model.init`), that one too.
    func teacherOverrides(_ recipe: Recipe, checkpoint: String) -> [String] {
        var o: [String] = []
        for (path, _) in recipe.objective.options.models {
            let entry = path.dropLast().joined(separator: ".")
            o += ["\(entry).checkpoint=\(checkpoint)", "\(entry).model.backbone=resnet18"]
        }
        if recipe.model.initFrom != nil { o.append("model.init=\(checkpoint)") }
        return o
    }

    /// A quiet trainer for `file` shrunk by `tinyOverrides` plus `extra`, in the run folder `name`.
    func trainer(
        _ file: URL, extra: [String] = [], name: String, steps: Int = 2, resume: Bool = false,
        stopAfter: Int? = nil
    ) throws -> Trainer {
        let plain = try RecipeLoader().load(contentsOf: file)
        let recipe = try RecipeLoader().load(contentsOf: file, overrides: try tinyOverrides(plain, steps: steps) + extra)
        let dir = tmp.url.appendingPathComponent(name)
        let run = resume ? try RunDirectory.open(existing: dir) : try RunDirectory.create(at: dir)
        var trainer = Trainer(recipe: recipe, run: run)
        trainer.log = { _ in }
        trainer.interactive = false
        trainer.stopAfterSteps = stopAfter
        return trainer
    }

    func run(
        _ file: URL, extra: [String] = [], name: String, steps: Int = 2, resume: Bool = false,
        stopAfter: Int? = nil
    ) throws -> (RunSummary, RunDirectory) {
        let t = try trainer(file, extra: extra, name: name, steps: steps, resume: resume, stopAfter: stopAfter)
        return (try t.train(resume: resume), t.run)
    }

    static let recipesFolder = Fixtures.repositoryRoot.appendingPathComponent("Recipes")

    func testEveryRecipeRunsTwoSteps() throws {
        let files = try RecipeLoader.recipeFiles(in: Self.recipesFolder)
        XCTAssertGreaterThanOrEqual(files.count, 4)
        // A teacher for the KD recipes: the supervised recipe's tiny run.
        let (_, teacherRun) = try run(Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml"), name: "teacher")
        let teacher = teacherRun.checkpoint(named: "best").path
        for file in files {
            let plain = try RecipeLoader().load(contentsOf: file)
            let extra = teacherOverrides(plain, checkpoint: teacher)
            let (summary, run) = try run(file, extra: extra, name: file.deletingPathExtension().lastPathComponent)
            XCTAssertEqual(summary.status, .completed, file.path)
            XCTAssertEqual(summary.steps, 2, file.path)
            XCTAssertFalse(summary.finalLosses.isEmpty, file.path)
            XCTAssertTrue(summary.finalLosses.values.allSatisfy { $0.isFinite }, file.path)
            XCTAssertNotNil(summary.probe?.knn, file.path)
            if !plain.objective.options.models.isEmpty {  // distillation: how the student follows its teachers on the test split
                XCTAssertNotNil(summary.metrics["test_agreement"], file.path)
                XCTAssertNotNil(summary.metrics["test_teacher_kl"], file.path)
            }
            let records = try MetricsLog.read(run.metrics)
            XCTAssertEqual(records.last?.step, 2, file.path)
            for name in [
                "last.safetensors", "last.objective.safetensors", "last.optimizer.safetensors", "last.state.safetensors",
                "last.json", "best.safetensors",
            ] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: run.checkpoints.appendingPathComponent(name).path), "\(file.path): \(name)")
            }
            // The backbone checkpoint reloads on its own from its embedded recipe.
            _ = try CheckpointModel.load(run.checkpoint(named: "last"))
        }
    }

    /// Training changes no process-wide setting: the thread count stays what the application set, whatever
    /// `train.threads` says (the CLI applies it; the library does not).
    func testTrainingLeavesTheThreadCountAlone() throws {
        let before = Threading.count
        defer { Threading.setCount(before) }
        Threading.setCount(1)
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        _ = try run(file, extra: ["train.threads=3"], name: "threads", steps: 1)
        XCTAssertEqual(Threading.count, 1)
        XCTAssertEqual(try RecipeLoader().load(contentsOf: file, overrides: ["train.threads=3"]).train.threadCount, 3)
    }

    func testKilledRunResumesToTheSameWeights() throws {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        let extra = ["train.checkpoint_every=3", "train.log_every=1"]
        let (_, straight) = try run(file, extra: extra, name: "straight", steps: 7)
        let (_, killedRun) = try run(file, extra: extra, name: "killed", steps: 7, stopAfter: 4)  // "killed" after step 4; last checkpoint at 3
        let (resumed, _) = try run(file, extra: extra, name: "killed", steps: 7, resume: true)
        XCTAssertEqual(resumed.steps, 7)
        let a = try SafeTensors.read(from: straight.checkpoint(named: "last"))
        let b = try SafeTensors.read(from: killedRun.checkpoint(named: "last"))
        XCTAssertEqual(Set(a.tensors.keys), Set(b.tensors.keys))
        for (k, t) in a.tensors { XCTAssertEqual(t.scalars, b.tensors[k]?.scalars, "\(k) differs after resume") }
        let oa = try SafeTensors.read(from: straight.checkpoint(named: "last.optimizer"))
        let ob = try SafeTensors.read(from: killedRun.checkpoint(named: "last.optimizer"))
        for (k, t) in oa.tensors { XCTAssertEqual(t.scalars, ob.tensors[k]?.scalars, "optimizer \(k) differs after resume") }
        XCTAssertEqual(try MetricsLog.read(straight.metrics).map(\.step), try MetricsLog.read(killedRun.metrics).map(\.step))
    }

    func testNaNLossStopsAndKeepsTheLastCheckpoint() throws {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        let extra = ["optimizer.lr=1.0e30", "schedule.name=constant", "train.checkpoint_every=1", "optimizer.nesterov=false"]
        XCTAssertThrowsError(try run(file, extra: extra, name: "nan", steps: 6)) { error in
            guard case TrainError.nonFiniteLoss(let step, let term, _, let last)? = error as? TrainError else {
                return XCTFail("expected a non-finite loss error, got \(error)")
            }
            XCTAssertEqual(term, "ce")
            XCTAssertGreaterThan(step, 0)
            XCTAssertNotNil(last)
            XCTAssertTrue(String(describing: error).contains("step \(step)"))
        }
        let run = tmp.url.appendingPathComponent("nan/checkpoints/last.safetensors")
        XCTAssertNoThrow(try SafeTensors.read(from: run), "the last good checkpoint is intact")
    }

    func testUserErrorsAreClear() throws {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        // A missing store names the path.
        XCTAssertThrowsError(try run(file, extra: ["data.train=/nonexistent/x.rstore"], name: "missing")) { e in
            XCTAssertTrue(String(describing: e).contains("/nonexistent/x.rstore"), "\(e)")
        }
        // A missing teacher checkpoint names the recipe field.
        let kd = Self.recipesFolder.appendingPathComponent("kd/kd-resnet18-fmnist.yaml")
        XCTAssertThrowsError(try run(kd, extra: ["objective.kd.teachers.0.checkpoint=/nonexistent/t.safetensors"], name: "noteacher")) { e in
            XCTAssertTrue(String(describing: e).contains("objective.kd.teachers.0.checkpoint"), "\(e)")
        }
        // A checkpoint for another backbone: strict loading names a key.
        let (_, r) = try run(file, name: "ok")
        let other = ModelOptions(backbone: "resnet34", stem: .cifar, width: 0.125, inChannels: 1, classes: 10)
        XCTAssertThrowsError(try CheckpointModel.load(r.checkpoint(named: "last"), model: other)) { e in
            XCTAssertTrue(String(describing: e).contains("layer"), "\(e)")
        }
        // An unwritable run directory.
        XCTAssertThrowsError(try RunDirectory.create(at: URL(fileURLWithPath: "/proc/retort-run"))) { e in
            XCTAssertTrue(String(describing: e).contains("/proc/retort-run"), "\(e)")
        }
    }
}

extension TrainerTests {
    func testFullDiskDuringCheckpointKeepsThePreviousCheckpoint() throws {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        let extra = ["train.checkpoint_every=1"]
        // Measure one checkpoint set.
        let (_, probe) = try run(file, extra: extra, name: "measure", steps: 3, stopAfter: 1)
        let names = try FileManager.default.contentsOfDirectory(atPath: probe.checkpoints.path)
        let setBytes = try names.reduce(0) {
            $0 + ((try FileManager.default.attributesOfItem(atPath: probe.checkpoints.appendingPathComponent($1).path)[.size] as? Int) ?? 0)
        }
        // A disk that holds one and a half sets: the step-1 set is written, the step-2 set fails midway.
        let plain = try RecipeLoader().load(contentsOf: file)
        let recipe = try RecipeLoader().load(contentsOf: file, overrides: try tinyOverrides(plain, steps: 3) + extra)
        let run = try RunDirectory.create(at: tmp.url.appendingPathComponent("full"))
        var trainer = Trainer(recipe: recipe, run: run)
        trainer.log = { _ in }
        trainer.interactive = false
        trainer.fileSystem = FaultyFileSystem(capacity: setBytes + setBytes / 2)
        XCTAssertThrowsError(try trainer.train()) { error in
            XCTAssertTrue(String(describing: error).contains("checkpoints"), "\(error)")
            XCTAssertTrue(String(describing: error).lowercased().contains("space"), "\(error)")
        }
        // The step-1 set is intact and consistent, and no staging files are left.
        let left = try FileManager.default.contentsOfDirectory(atPath: run.checkpoints.path)
        XCTAssertFalse(left.contains { $0.contains(".next") || $0.contains(".tmp") }, "\(left)")
        let json = try JSONDecoder().decode(LoopState.self, from: Data(contentsOf: run.checkpoint(named: "last", extension: "json")))
        XCTAssertEqual(json.step, 1)
        XCTAssertEqual(try SafeTensors.read(from: run.checkpoint(named: "last")).metadata["step"], "1")
        // And the run resumes from it.
        let resumed = try RecipeLoader().load(contentsOf: run.resolvedRecipe)
        var again = Trainer(recipe: resumed, run: run)
        again.log = { _ in }
        again.interactive = false
        XCTAssertEqual(try again.train(resume: true).steps, 3)
    }
}

extension TrainerTests {
    func testPeriodicKNNIsLoggedAndKeepsTheBestBackbone() throws {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        // 256 tiny samples, 32 held out for validation: 224 / batch 16 = 14 steps per epoch; 2 epochs,
        // kNN on the validation part after every epoch.
        let (summary, run) = try run(file, extra: ["train.epochs=2", "eval.knn_every=1"], name: "knn", steps: 28)
        XCTAssertEqual(summary.steps, 28)
        let knn = try MetricsLog.read(run.metrics).filter { $0.metrics["val_knn_top1"] != nil }
        XCTAssertEqual(knn.map(\.step), [14], "one periodic validation after epoch 1 (224 training samples / 16); the end is the summary's")
        XCTAssertNotNil(summary.metrics["val_knn_top1"], "the final validation score")
        XCTAssertNotNil(summary.metrics["knn_top1"], "the test split, scored once at the end")
        XCTAssertNoThrow(try CheckpointModel.load(run.checkpoint(named: "best")))
    }
}
