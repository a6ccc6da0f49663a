import Backbones
import Foundation
import NN
import Objectives
import Recipes
import XCTest

/// Every row of the objective registry, built from its shipped recipe: it trains, checkpoints,
/// and a killed run resumes bit-exactly (backbone, objective, optimizers, objective state).
extension TrainerTests {
    func testEveryRegisteredObjectiveResumesBitExactly() throws {
        let root = Self.recipesFolder.deletingLastPathComponent()
        let (_, teacherRun) = try run(Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml"), name: "sweep-teacher")
        let teacher = teacherRun.checkpoint(named: "best").path
        XCTAssertGreaterThanOrEqual(ObjectiveRegistry.all.count, 7)
        // Overrides that give a row non-trivial objective state within four steps of batch 16: SwAV's
        // queue starts at once and is full after two steps (so the resumed steps use it). SeLa's label
        // table is filled by the epoch-0 labelling pass anyway.
        let stateOverrides = ["swav": ["objective.swav.queue_length=32", "objective.swav.queue_start_epoch=0"]]
        for entry in ObjectiveRegistry.all {
            let file = root.appendingPathComponent(entry.recipe)
            let plain = try RecipeLoader().load(contentsOf: file)
            XCTAssertEqual(plain.objective.name, entry.name, "\(entry.recipe) trains '\(entry.name)'")
            var extra = ["train.checkpoint_every=2", "train.log_every=1"]
            extra += teacherOverrides(plain, checkpoint: teacher)
            extra += stateOverrides[entry.name] ?? []
            let (done, straight) = try run(file, extra: extra, name: "\(entry.name)-straight", steps: 4)
            XCTAssertEqual(done.steps, 4, entry.name)
            _ = try run(file, extra: extra, name: "\(entry.name)-killed", steps: 4, stopAfter: 3)
            let (resumed, killed) = try run(file, extra: extra, name: "\(entry.name)-killed", steps: 4, resume: true)
            XCTAssertEqual(resumed.steps, 4, entry.name)
            for part in ["last", "last.objective", "last.optimizer", "last.state"] {
                let a = try SafeTensors.read(from: straight.checkpoint(named: part))
                let b = try SafeTensors.read(from: killed.checkpoint(named: part))
                XCTAssertEqual(Set(a.tensors.keys), Set(b.tensors.keys), "\(entry.name) \(part)")
                XCTAssertEqual(Set(a.integers.keys), Set(b.integers.keys), "\(entry.name) \(part)")
                for (k, t) in a.tensors { XCTAssertEqual(t.scalars, b.tensors[k]?.scalars, "\(entry.name) \(part): \(k) differs after resume") }
                for (k, t) in a.integers { XCTAssertEqual(t.scalars, b.integers[k]?.scalars, "\(entry.name) \(part): \(k) differs") }
            }
            XCTAssertEqual(
                try MetricsLog.read(straight.metrics).compactMap(\.loss), try MetricsLog.read(killed.metrics).compactMap(\.loss),
                "\(entry.name): the same losses step by step")
            let state = try SafeTensors.read(from: killed.checkpoint(named: "last.state"))
            switch entry.name {
            case "swav":
                let queue = try XCTUnwrap(state.tensors["queue"], "swav: the queue is saved")
                XCTAssertEqual(queue.shape, [2, 32, 16])
                XCTAssertTrue(queue.scalars.suffix(16).contains { $0 != 0 }, "swav: the queue was full, so the last steps used it")
            case "sela":
                XCTAssertEqual(state.integers["labels"]?.shape, [10, 224], "sela: the label table (10 heads) of the 224 training samples")
                XCTAssertEqual(state.integers["sample_ids"]?.shape, [224])
            default: break
            }
        }
    }

    func testRegistryNamesAreLowercaseUniqueAndListed() throws {
        let names = ObjectiveRegistry.names
        XCTAssertEqual(Set(names).count, names.count)
        for entry in ObjectiveRegistry.all {
            XCTAssertEqual(entry.name, entry.name.lowercased())
            XCTAssertTrue(try entry.defaultOptionsYAML().contains(":") || (try entry.defaultOptionsYAML()).contains("{}"), entry.name)
        }
        // An unknown objective names the closest one.
        let text = "data: {train: t}\nmodel: {backbone: resnet18}\nobjective: {name: simclrr}\n"
        XCTAssertThrowsError(try RecipeLoader().load(yaml: text, file: "r.yaml")) { e in
            XCTAssertEqual((e as? RecipeError)?.suggestion, "simclr", "\(e)")
            XCTAssertEqual((e as? RecipeError)?.location?.line, 3, "\(e)")
        }
    }
}
