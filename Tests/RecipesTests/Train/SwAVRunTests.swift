import Backbones
import DataStore
import Foundation
import NN
import Objectives
import Recipes
import TensorCore
import XCTest

/// SwAV through the runner: the recipe's multi-crop views reach the objective in resolution groups,
/// the prototypes' group freeze drops their update (and optimizer state), a too-small ε stops the run
/// with a typed error before any update, and recipe mistakes name their key.
extension TrainerTests {
    static var swavRecipe: URL { recipesFolder.appendingPathComponent("ssl/swav-resnet18-fmnist.yaml") }

    func testSwAVRecipeMultiCropReachesTheObjectiveInResolutionGroups() throws {
        let recipe = try RecipeLoader().load(contentsOf: Self.swavRecipe, overrides: ["data.batch_size=8"])
        XCTAssertEqual(recipe.data.viewCount, 6)
        let config = recipe.data.makeLoaderConfig(imageSize: (28, 28), channels: 1, seed: 0)
        let batch = TrainingBatch(try Loader(store: StoreReader(path: TinyStores.train()), config: config).epoch(0).next()!)
        XCTAssertEqual(batch.viewGroups, [[0, 1], [2, 3, 4, 5]])
        XCTAssertEqual(batch.views.map(\.shape), [[8, 1, 28, 28], [8, 1, 28, 28]] + Array(repeating: [8, 1, 16, 16], count: 4))
        XCTAssertEqual(batch.groupedViews([2, 3, 4, 5]).shape, [32, 1, 16, 16])
        // Small crops cover at most 14% of the image: their boxes are small.
        for v in 2..<6 {
            let b = batch.viewInfo[v].boxes.scalars
            for i in 0..<8 {
                let area = abs(b[4 * i + 2] - b[4 * i]) * abs(b[4 * i + 3] - b[4 * i + 1])
                XCTAssertLessThan(area, 0.3, "view \(v) sample \(i)")
            }
        }
    }

    func testSwAVPrototypesFrozenByTheirGroupGetNoUpdateAndNoOptimizerState() throws {
        let extra = ["optimizer.groups.0.freeze_steps=2", "train.checkpoint_every=2"]
        let t = try trainer(Self.swavRecipe, extra: extra, name: "swav-freeze", steps: 3, stopAfter: 2)
        XCTAssertEqual(t.recipe.optimizer.groups[0].params, ["objective.prototypes.*"])
        // The prototypes the run starts from: the registry's objective for this recipe.
        let backbone = try t.recipe.trainedModel.makeInitialBackbone(seed: t.recipe.train.seed)
        var setup = ObjectiveSetup(recipe: t.recipe)
        let initial = try t.recipe.objective.options.makeObjective(model: backbone, setup: &setup).stateDict["prototypes.weight"]!
        _ = try t.train()
        let frozen = try SafeTensors.read(from: t.run.checkpoint(named: "last.objective")).tensors["prototypes.weight"]!
        for (a, b) in zip(frozen.scalars, initial.scalars) { XCTAssertEqual(a, b, accuracy: 1e-6, "frozen for two steps") }
        let state2 = try SafeTensors.read(from: t.run.checkpoint(named: "last.optimizer"))
        XCTAssertFalse(state2.tensors.keys.contains { $0.contains("prototypes") }, "no optimizer state while frozen: \(state2.tensors.keys.sorted())")
        XCTAssertTrue(state2.tensors.keys.contains { $0.hasPrefix("objective.projector.") }, "the rest trains")
        let (_, resumed) = try run(Self.swavRecipe, extra: extra, name: "swav-freeze", steps: 3, resume: true)
        let trained = try SafeTensors.read(from: resumed.checkpoint(named: "last.objective")).tensors["prototypes.weight"]!
        XCTAssertGreaterThan(zip(trained.scalars, initial.scalars).map { abs($0 - $1) }.max()!, 1e-5, "updated from step 2 on")
        let state3 = try SafeTensors.read(from: resumed.checkpoint(named: "last.optimizer"))
        XCTAssertEqual(state3.tensors.keys.filter { $0.contains("prototypes") }, ["group0/objective.prototypes.weight.mu"])
        for v in trained.squared().sum(alongAxes: [1]).scalars { XCTAssertEqual(v, 1, accuracy: 1e-5, "unit prototypes after each step") }
    }

    func testSwAVWithTooSmallEpsilonStopsBeforeAnyUpdateNamingSinkhorn() throws {
        let t = try trainer(Self.swavRecipe, extra: ["objective.swav.epsilon=0.001"], name: "swav-epsilon", steps: 2)
        XCTAssertThrowsError(try t.train()) { e in
            guard case .nonFinite(let solver, let parameter, let value, _)? = e as? SinkhornError else { return XCTFail("\(e)") }
            XCTAssertEqual([solver, parameter], ["SwAV's Sinkhorn", "epsilon"])
            XCTAssertEqual(value, Double(Float(0.001)))
            XCTAssertTrue("\(e)".contains("epsilon = 0.001"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: t.run.checkpoint(named: "last").path), "nothing was trained or saved")
    }

    func testSwAVRecipeErrorsNameTheKey() throws {
        for (override, path) in [
            ("objective.swav.assign=[0, 6]", "objective.swav.assign"), ("objective.swav.assign=[]", "objective.swav.assign"),
            ("objective.swav.assign=[1, 1]", "objective.swav.assign"),
            ("objective.swav.queue_length=100", "objective.swav.queue_length"),
            ("objective.swav.epsilon=0", "objective.swav.epsilon"),
        ] {
            XCTAssertThrowsError(try RecipeLoader().load(contentsOf: Self.swavRecipe, overrides: [override])) { e in
                XCTAssertEqual((e as? RecipeError)?.keyPath, path, "\(override): \(e)")
            }
        }
    }

    func testSwAVRunReportsPrototypesInUseOnValidationAndEvaluateReproducesTheEnd() throws {
        let t = try trainer(Self.swavRecipe, extra: ["objective.swav.prototypes=50"], name: "swav-val", steps: 2)
        let summary = try t.train()
        let used = try XCTUnwrap(summary.metrics["val_prototypes_used"])
        XCTAssertTrue((1...50).contains(Int(used)), "\(used)")
        // `retort evaluate`'s path: a fresh trainer loads `last` and scores the validation part the same way.
        var again = Trainer(recipe: try RecipeLoader().load(contentsOf: t.run.resolvedRecipe), run: t.run)
        again.log = { _ in }
        let scores = try again.evaluate()
        XCTAssertEqual(scores["val_prototypes_used"], used)
        XCTAssertEqual(scores["val_knn_top1"], summary.metrics["val_knn_top1"])
        XCTAssertEqual(scores["step"], 2)
        XCTAssertThrowsError(try again.evaluate(checkpoint: "missing")) { e in XCTAssertTrue("\(e)".contains("missing"), "\(e)") }
    }
}
