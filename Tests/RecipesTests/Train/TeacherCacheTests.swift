import Backbones
import DataStore
import Foundation
import NN
import Objectives
import Recipes
import TensorCore
import XCTest

/// `retort cache-logits` (exact mode) and distillation from the cache: the same losses as the live
/// teacher, F16 close to F32, refusals, corruption, and a killed cache run resumed byte for byte.
extension TrainerTests {
    /// The KD recipe shrunk to `steps` steps (log every step) with a tiny trained teacher.
    func kdRecipe(steps: Int, extra: [String] = []) throws -> Recipe {
        let file = Self.recipesFolder.appendingPathComponent("kd/kd-resnet18-fmnist.yaml")
        let (_, teacherRun) = try run(Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml"), name: "cache-teacher")
        let plain = try RecipeLoader().load(contentsOf: file)
        return try RecipeLoader().load(
            contentsOf: file,
            overrides: try tinyOverrides(plain, steps: steps)
                + teacherOverrides(plain, checkpoint: teacherRun.checkpoint(named: "best").path) + ["train.log_every=1"] + extra)
    }

    /// Trains `recipe` in the run folder `name` and returns the per-step losses.
    func stepLosses(_ recipe: Recipe, name: String) throws -> [Double] {
        var trainer = Trainer(recipe: recipe, run: try RunDirectory.create(at: tmp.url.appendingPathComponent(name)))
        trainer.log = { _ in }
        trainer.interactive = false
        try trainer.train()
        return try MetricsLog.read(trainer.run.metrics).compactMap(\.loss)
    }

    /// `recipe` reading the cache at `path` instead of its teachers.
    func fromCache(_ recipe: Recipe, _ path: String, extra: [String] = []) throws -> Recipe {
        try RecipeLoader().load(
            yaml: try recipe.yamlString(), overrides: ["objective.kd.teachers=null", "objective.kd.teacher_cache=\(path)"] + extra)
    }

    func testCacheGivesTheLiveTeachersLossesAndF16StaysClose() throws {
        let recipe = try kdRecipe(steps: 4)
        let f32 = tmp.url.appendingPathComponent("kd-f32.rstore").path
        let f16 = tmp.url.appendingPathComponent("kd-f16.rstore").path
        let s = try TeacherCache.write(recipe: recipe, to: f32, topK: nil, dtype: .f32, segmentSteps: 3)
        XCTAssertEqual(s.header.steps, 4)
        XCTAssertEqual(try StoreReader(path: f32).count, 4, "one stored sample per step")
        XCTAssertTrue(try StoreReader(path: f32).verify().isEmpty)
        let live = try stepLosses(recipe, name: "kd-live")
        let cached = try stepLosses(try fromCache(recipe, f32), name: "kd-cached")
        XCTAssertEqual(live.count, 4)
        XCTAssertEqual(cached.count, 4)
        for (a, b) in zip(live, cached) { XCTAssertEqual(a, b, accuracy: 1e-5, "loss per step, live vs cache") }
        // The cache records its teachers, so the run from it still reports how the student follows them.
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: tmp.url.appendingPathComponent("kd-cached/summary.json"))) as? [String: Any]
        let metrics = summary?["metrics"] as? [String: Double] ?? [:]
        XCTAssertNotNil(metrics["test_agreement"], "\(metrics)")
        XCTAssertNotNil(metrics["test_teacher_kl"], "\(metrics)")
        // F16: every view's logits within cosine 0.9999 of the F32 ones.
        try TeacherCache.write(recipe: recipe, to: f16, topK: nil, dtype: .f16)
        let student = try fromCache(recipe, f32)
        let exact = try TeacherCacheReader(options: TeacherCacheOptions(path: f32), recipe: student, teacherView: 0, steps: 4)
        let half = try TeacherCacheReader(options: TeacherCacheOptions(path: f16), recipe: student, teacherView: 0, steps: 4)
        let ids = try StoreReader(path: f32)
        for step in 0..<4 {
            let sampleIDs = try ids.bytes(sample: step, field: 2).withUnsafeBytes { raw in
                (0..<16).map { raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self) }
            }
            let a = try exact.outputs(step: step, sampleIDs: sampleIDs).logits.scalars
            let b = try half.outputs(step: step, sampleIDs: sampleIDs).logits.scalars
            for i in 0..<16 {
                let x = a[i * 10..<(i + 1) * 10]
                let y = b[i * 10..<(i + 1) * 10]
                let dot = zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let cosine = dot / (sqrt(x.reduce(0.0) { $0 + Double($1 * $1) }) * sqrt(y.reduce(0.0) { $0 + Double($1 * $1) }))
                XCTAssertGreaterThanOrEqual(cosine, 0.9999, "step \(step) view \(i)")
            }
        }
    }

    func testMEALV2FromACacheOfItsEnsembleGivesTheLiveLosses() throws {
        let file = Self.recipesFolder.appendingPathComponent("kd/meal-v2-resnet18-fmnist.yaml")
        let (_, teacherRun) = try run(Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml"), name: "meal-teacher")
        let (_, otherRun) = try run(
            Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml"), extra: ["train.seed=5"],
            name: "meal-teacher-2")
        let plain = try RecipeLoader().load(contentsOf: file)
        let recipe = try RecipeLoader().load(
            contentsOf: file,
            overrides: try tinyOverrides(plain, steps: 3)
                + teacherOverrides(plain, checkpoint: teacherRun.checkpoint(named: "best").path)
                + ["objective.meal_v2.teachers.1.checkpoint=\(otherRun.checkpoint(named: "best").path)", "train.log_every=1"])
        let path = tmp.url.appendingPathComponent("meal.rstore").path
        try TeacherCache.write(recipe: recipe, to: path, topK: nil, dtype: .f32)
        let cached = try RecipeLoader().load(
            yaml: try recipe.yamlString(),
            overrides: [
                "objective.meal_v2.teachers=null",
                "objective.meal_v2.teacher_cache=\(path)",
            ])
        let live = try stepLosses(recipe, name: "meal-live")
        let fromCache = try stepLosses(cached, name: "meal-cached")
        XCTAssertEqual(live.count, 3)
        for (a, b) in zip(live, fromCache) { XCTAssertEqual(a, b, accuracy: 1e-5, "MEAL V2 loss per step, live vs cache") }
    }

    func testCacheRefusesAnotherRunAndACorruptFile() throws {
        let recipe = try kdRecipe(steps: 2)
        let path = tmp.url.appendingPathComponent("kd.rstore").path
        try TeacherCache.write(recipe: recipe, to: path, topK: 3, dtype: .f16)
        func failure(_ r: Recipe, name: String) -> String {
            do {
                _ = try stepLosses(r, name: name)
                XCTFail("no error")
            } catch { return "\(error)" }
            return ""
        }
        let seed = failure(try fromCache(recipe, path, extra: ["train.seed=1"]), name: "seed")
        XCTAssertTrue(seed.contains("train.seed"), seed)
        let views = failure(try fromCache(recipe, path, extra: ["data.views=[{pad_crop: 2, flip: 0.0}]"]), name: "views")
        XCTAssertTrue(views.contains("data.views"), views)
        let longer = failure(try fromCache(recipe, path, extra: ["train.max_steps=3"]), name: "longer")
        XCTAssertTrue(longer.contains("covers 2 steps"), longer)
        // A flipped byte: `store verify` reports it and the run refuses to read it.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let indexOffset = bytes.withUnsafeBytes {
            Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: bytes.count - 72 + 16, as: UInt64.self)))
        }
        bytes[indexOffset - 1] ^= 0x40  // the last byte of the last chunk
        try bytes.write(to: URL(fileURLWithPath: path))
        XCTAssertFalse(try StoreReader(path: path).verify().isEmpty)
        XCTAssertThrowsError(try stepLosses(try fromCache(recipe, path), name: "corrupt"))
        // Bad arguments name the flag.
        let other = tmp.url.appendingPathComponent("other.rstore").path
        XCTAssertThrowsError(try TeacherCache.write(recipe: recipe, to: other, topK: 0, dtype: .f16)) {
            XCTAssertTrue("\($0)".contains("--top-k"), "\($0)")
        }
        XCTAssertThrowsError(try TeacherCache.write(recipe: recipe, to: other, topK: nil, dtype: .f16, pool: 0)) {
            XCTAssertTrue("\($0)".contains("--pool"), "\($0)")
        }
        XCTAssertThrowsError(try TeacherCache.write(recipe: try fromCache(recipe, path), to: other, topK: nil, dtype: .f16)) {
            XCTAssertTrue("\($0)".contains("no teachers to cache"), "\($0)")
        }
    }

    func testKilledCacheRunResumesToTheSameBytes() throws {
        let recipe = try kdRecipe(steps: 5)
        let straight = tmp.url.appendingPathComponent("straight.rstore").path
        let killed = tmp.url.appendingPathComponent("killed.rstore").path
        try TeacherCache.write(recipe: recipe, to: straight, topK: 4, dtype: .f16, segmentSteps: 2)
        XCTAssertThrowsError(try TeacherCache.write(recipe: recipe, to: killed, topK: 4, dtype: .f16, segmentSteps: 2, stopAfterSegments: 2))
        XCTAssertFalse(FileManager.default.fileExists(atPath: killed), "no cache file until every segment is done")
        let resumed = try TeacherCache.write(recipe: recipe, to: killed, topK: 4, dtype: .f16, segmentSteps: 2)
        XCTAssertEqual(resumed.segmentsComputed, 1, "only the missing segment is computed again")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: killed)), try Data(contentsOf: URL(fileURLWithPath: straight)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: killed + ".partial"))
    }

    func testTopKTargetsFollowTheirDefinitions() throws {
        // Logits of 5 classes, the top 2 cached: renormalised keeps their ratio and gives the rest nothing;
        // uniform_rest keeps their probabilities and spreads the rest evenly.
        let z: [Float] = [2, -1, 0.5, 3, 0]
        let m = z.max()!
        let lse = m + log(z.reduce(0) { $0 + exp($1 - m) })
        let p = z.map { exp($0 - lse) }
        func softmax(_ v: [Float]) -> [Float] {
            let m = v.max()!
            let e = v.map { exp($0 - m) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
        let renormalized = softmax(TeacherCache.targetRow(values: [3, 2], logSumExp: lse, classes: [3, 0], classCount: 5, targets: .renormalized))
        XCTAssertEqual(renormalized[3], p[3] / (p[3] + p[0]), accuracy: 1e-6)
        XCTAssertEqual(renormalized[1] + renormalized[2] + renormalized[4], 0, accuracy: 1e-12)
        let uniform = softmax(TeacherCache.targetRow(values: [3, 2], logSumExp: lse, classes: [3, 0], classCount: 5, targets: .uniformRest))
        XCTAssertEqual(uniform[3], p[3], accuracy: 1e-6)
        XCTAssertEqual(uniform[0], p[0], accuracy: 1e-6)
        for j in [1, 2, 4] { XCTAssertEqual(uniform[j], (1 - p[3] - p[0]) / 3, accuracy: 1e-6) }
        // k = C: the logits themselves.
        XCTAssertEqual(TeacherCache.targetRow(values: z, logSumExp: lse, classes: nil, classCount: 5, targets: .renormalized), z)
    }
}

/// Checks, at every step of a run from a pool cache, that the cached target equals the live teacher's
/// logits on the view the loader rendered (so the view is the recorded one), and trains the student
/// on the mean square of its features.
struct PoolCheckObjective<Model: Backbone>: Objective {
    final class Log: @unchecked Sendable {
        var largestDifference: Float = 0
        var epochs: Set<Int> = []
        var steps = 0
    }
    var teachers: TeacherEnsemble
    let log: Log
    var viewCount: Int { 1 }
    mutating func visitParameters(_ visitor: inout ParameterVisitor) {}

    mutating func losses(model: inout Model, batch: TrainingBatch, progress: TrainingProgress, context: inout Context) throws -> ObjectiveOutput {
        let live = teachers.logits(batch.views[0], rng: context.rng)[0].scalars
        let cached = batch.teacherOutputs!.logits.scalars
        log.largestDifference = max(log.largestDifference, zip(live, cached).map { abs($0 - $1) }.max() ?? .infinity)
        log.epochs.insert(progress.epoch)
        log.steps += 1
        let f = model.features(batch.views[0], context: &context)
        return ObjectiveOutput(terms: [LossTerm("square", (f * f).mean())])
    }
}

extension TrainerTests {
    func testPoolCacheReplaysItsRecordedViewsAcrossEpochs() throws {
        let recipe = try kdRecipe(steps: 20, extra: ["train.epochs=2"])  // 224 training samples, 14 steps of 16 an epoch
        let path = tmp.url.appendingPathComponent("pool.rstore").path
        let s = try TeacherCache.write(recipe: recipe, to: path, topK: nil, dtype: .f32, pool: 3)
        XCTAssertEqual(s.header.poolSize, 3)
        let store = try StoreReader(path: path)
        XCTAssertEqual(store.count, 224, "one record per training sample, whatever the epochs")
        XCTAssertEqual(try store.bytes(sample: 0, field: 2).count, 3 * ViewParams.byteCount)
        XCTAssertTrue(store.verify().isEmpty)
        let teacher = try CheckpointModel.load(tmp.url.appendingPathComponent("cache-teacher/checkpoints/best.safetensors")).backbone
        let log = PoolCheckObjective<Net>.Log()
        var trainer = Trainer(recipe: try fromCache(recipe, path), run: try RunDirectory.create(at: tmp.url.appendingPathComponent("pool-run")))
        trainer.log = { _ in }
        trainer.interactive = false
        try trainer.train { (_: Net, _) in PoolCheckObjective<Net>(teachers: TeacherEnsemble(teacher: teacher), log: log) }
        XCTAssertEqual(log.steps, 20)
        XCTAssertEqual(log.epochs, [0, 1])
        XCTAssertLessThan(log.largestDifference, 1e-5, "the cached target is the live teacher's on the rendered view")
        // ViewParams records round-trip.
        var p = ViewParams(
            srcHeight: 28, srcWidth: 28, top: -2, left: 3, height: 28, width: 28, flipped: true, outHeight: 28, outWidth: 28, resampled: false)
        p.jittered = true
        p.brightness = 1.25
        p.hue = -0.1
        p.blurSigma = 0.7
        p.blurKernel = 5
        p.solarized = true
        p.jitterOrder = 0x1302
        XCTAssertEqual(ViewParams(bytes: p.bytes[...]), p)
    }
}
