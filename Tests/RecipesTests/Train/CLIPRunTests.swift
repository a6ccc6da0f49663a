import DataStore
import Foundation
import NN
import Objectives
import Recipes
import XCTest

/// CLIP and DeCLIP through the runner: the loader tokenises the captions in its workers, the runs
/// save the vocabulary and the DeCLIP queue, `retort zeroshot`'s evaluation and `retort probe`'s
/// feature extraction work on their checkpoints, and a truncated caption is said once.
extension TrainerTests {
    static var clipRecipe: URL { recipesFolder.appendingPathComponent("clip/clip-resnet18-fmnist.yaml") }
    static var declipRecipe: URL { recipesFolder.appendingPathComponent("clip/declip-resnet18-fmnist.yaml") }

    func testCLIPRecipeBatchesCarryTokenisedCaptions() throws {
        let recipe = try RecipeLoader().load(contentsOf: Self.declipRecipe, overrides: ["data.batch_size=8"])
        var config = recipe.data.makeLoaderConfig(imageSize: (28, 28), channels: 1, seed: 0)
        config.text = try recipe.objective.options.textPipeline(seed: 0)
        let batch = TrainingBatch(try Loader(store: StoreReader(path: TinyStores.train()), config: config).epoch(0).next()!)
        let text = try XCTUnwrap(batch.text)
        XCTAssertEqual(text.ids.shape, [8, 32])
        XCTAssertEqual(text.augmentedIDs?.shape, [8, 32])
        XCTAssertEqual(text.maskTargets?.shape, [8, 32])
        XCTAssertEqual(text.augmentations?.count, 8, "the EDA operation of each caption is recorded")
        XCTAssertTrue(text.augmentations?.allSatisfy { (1...3).contains($0) } == true)
        XCTAssertEqual(text.truncatedCount, 0, "the generator's captions fit in 32 word tokens")
        let tokenizer = try (recipe.objective.options as! DeCLIPOptions).clip.makeTokenizer()
        for i in 0..<8 {
            let row = Array(text.ids.scalars[(i * 32)..<((i + 1) * 32)])
            XCTAssertEqual(tokenizer.decode(row), FashionCaptioner.words(of: batch.texts![i]).joined(separator: " "))
            XCTAssertFalse(row.contains(CaptionTokenizer.unknown), "every caption word is in the vocabulary: \(batch.texts![i])")
        }
    }

    func testZeroShotAndProbeWorkOnCLIPAndDeCLIPCheckpoints() throws {
        for (recipe, name) in [(Self.clipRecipe, "clip"), (Self.declipRecipe, "declip")] {
            let (summary, run) = try run(recipe, name: "\(name)-zeroshot", steps: 2)
            XCTAssertEqual(summary.steps, 2)
            let last = run.checkpoint(named: "last")
            let report = try ZeroShot.evaluate(checkpoint: last, test: TinyStores.test())
            XCTAssertEqual(report.samples, 128)
            XCTAssertEqual(report.classes.count, 10)
            XCTAssertTrue((0...1).contains(report.top1) && report.top5 >= report.top1, "\(report)")
            let r = try XCTUnwrap(report.retrieval, "the tiny test store has captions")
            XCTAssertEqual(r.pairs, 128)
            XCTAssertTrue(r.imageToText5 >= r.imageToText1 && r.textToImage5 >= r.textToImage1)
            // retort probe's path: the image tower alone from the backbone checkpoint.
            let loaded = try CheckpointModel.load(last)
            let f = try FeatureExtractor.extract(loaded.backbone, storePath: TinyStores.test(), mean: [0.286], std: [0.353], channels: 1)
            XCTAssertEqual(f.features.shape[0], 128)
            // best.safetensors has no text tower beside it.
            XCTAssertThrowsError(try ZeroShot.evaluate(checkpoint: run.checkpoint(named: "best"), test: TinyStores.test())) { e in
                XCTAssertTrue("\(e)".contains("best.objective.safetensors"), "\(e)")
            }
        }
        // A checkpoint without a text tower is refused by name.
        let (_, simsiam) = try run(Self.recipesFolder.appendingPathComponent("ssl/simsiam-resnet18-fmnist.yaml"), name: "zs-simsiam")
        XCTAssertThrowsError(try ZeroShot.evaluate(checkpoint: simsiam.checkpoint(named: "last"), test: TinyStores.test())) { e in
            XCTAssertTrue("\(e)".contains("simsiam") && "\(e)".contains("no text tower"), "\(e)")
        }
    }

    func testALongCaptionIsTruncatedAndSaidOnce() throws {
        final class Lines: @unchecked Sendable {
            let lock = NSLock()
            var all: [String] = []
            func add(_ line: String) {
                lock.lock()
                all.append(line)
                lock.unlock()
            }
        }
        let logged = Lines()
        var t = try trainer(Self.clipRecipe, extra: ["objective.clip.context_length=6"], name: "clip-truncate", steps: 2)
        t.log = { logged.add($0) }
        _ = try t.train()
        let lines = logged.all.filter { $0.contains("truncated") }
        XCTAssertEqual(lines.count, 1, "\(logged.all)")
        XCTAssertTrue(lines.first?.contains("longer than the text context") == true)
    }
}
