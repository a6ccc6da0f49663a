import Backbones
import DataStore
import Foundation
import NN
import Objectives
import Recipes
import TensorCore
import XCTest

/// A label-free objective that records, per step, the sample ids of its batch and whether the batch
/// had labels (the features' mean square is its loss).
struct BatchLogObjective<Model: Backbone>: Objective {
    final class Log: @unchecked Sendable {
        var batches: [Int: (ids: [UInt64], labelled: Bool)] = [:]
    }
    let log: Log
    var viewCount: Int { 1 }
    mutating func visitParameters(_ visitor: inout ParameterVisitor) {}

    mutating func losses(model: inout Model, batch: TrainingBatch, progress: TrainingProgress, context: inout Context) throws -> ObjectiveOutput {
        log.batches[progress.step] = (batch.sampleIDs, batch.labels != nil)
        let f = model.features(batch.views[0], context: &context)
        return ObjectiveOutput(terms: [LossTerm("square", (f * f).mean())])
    }
}

/// `data.extra`: a second store's samples in every batch, resumable, and its user errors.
extension TrainerTests {
    func trainBatchLog(
        _ name: String, steps: Int, extra: [String] = [], stopAfter: Int? = nil, resume: Bool = false,
        log: BatchLogObjective<Net>.Log = .init()
    ) throws -> (RunSummary, RunDirectory) {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        let t = try trainer(
            file, extra: ["data.extra={store: \(try TinyStores.unlabelled()), fraction: 0.25}", "eval.knn_every=0"] + extra,
            name: name, steps: steps, resume: resume, stopAfter: stopAfter)
        let summary = try t.train(resume: resume) { (_: Net, _) in BatchLogObjective<Net>(log: log) }
        return (summary, t.run)
    }

    func testExtraStoreFillsItsShareOfEveryBatchAndResumes() throws {
        let train = try StoreReader(path: try TinyStores.train())
        let unlabelled = try StoreReader(path: try TinyStores.unlabelled())
        let trainIDs = Set((0..<train.count).map(train.sampleID))
        let extraIDs = Set((0..<unlabelled.count).map(unlabelled.sampleID))
        // Batch 16: 12 of the 224 training samples (18 steps an epoch) and 4 of the 64 extra ones (16 steps an epoch).
        let straight = BatchLogObjective<Net>.Log()
        let extra = ["train.epochs=2", "train.checkpoint_every=3"]
        let (summary, run) = try trainBatchLog("extra-straight", steps: 22, extra: extra, log: straight)
        XCTAssertEqual(summary.steps, 22)
        XCTAssertEqual(straight.batches.count, 22)
        for (step, b) in straight.batches {
            XCTAssertEqual(b.ids.count, 16, "step \(step)")
            XCTAssertTrue(trainIDs.isSuperset(of: b.ids.prefix(12)), "step \(step): the first 12 come from data.train")
            XCTAssertTrue(extraIDs.isSuperset(of: b.ids.suffix(4)), "step \(step): the last 4 come from data.extra")
            XCTAssertFalse(b.labelled, "an unlabelled part leaves the batch without labels")
        }
        // The extra store is walked in whole epochs: its first 16 steps visit each sample once.
        let firstEpoch = (0..<16).flatMap { straight.batches[$0]!.ids.suffix(4) }
        XCTAssertEqual(firstEpoch.count, 64)
        XCTAssertEqual(Set(firstEpoch), extraIDs)
        XCTAssertNotEqual((16..<20).flatMap { straight.batches[$0]!.ids.suffix(4) }, Array(firstEpoch.prefix(16)), "a new order each epoch")
        // Killed after step 10 (last checkpoint at 9) and resumed: the same batches and the same weights.
        _ = try trainBatchLog("extra-killed", steps: 22, extra: extra, stopAfter: 10)
        let resumedLog = BatchLogObjective<Net>.Log()
        let (_, killed) = try trainBatchLog("extra-killed", steps: 22, extra: extra, resume: true, log: resumedLog)
        XCTAssertEqual(Set(resumedLog.batches.keys), Set(9..<22))
        for (step, b) in resumedLog.batches { XCTAssertEqual(b.ids, straight.batches[step]?.ids, "step \(step) after the resume") }
        let a = try SafeTensors.read(from: run.checkpoint(named: "last"))
        let b = try SafeTensors.read(from: killed.checkpoint(named: "last"))
        for (k, t) in a.tensors { XCTAssertEqual(t.scalars, b.tensors[k]?.scalars, "\(k) differs after resume") }
    }

    func testExtraStoreErrorsNameTheProblem() throws {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        let unlabelled = try TinyStores.unlabelled()
        let train = try TinyStores.train()
        func message(_ overrides: [String], objective: Bool = false) -> String {
            do {
                if objective { _ = try trainBatchLog("bad", steps: 1, extra: overrides) } else { _ = try run(file, extra: overrides, name: "bad") }
                XCTFail("no error for \(overrides)")
            } catch { return String(describing: error) }
            return ""
        }
        // The supervised objective needs labels; the extra store has none.
        XCTAssertTrue(message(["data.extra={store: \(unlabelled)}"]).contains("needs labels but \(unlabelled) has none"))
        // The same store twice: shared sample ids.
        XCTAssertTrue(message(["data.extra={store: \(train)}"], objective: true).contains("share sample id"))
        // A share that rounds to no sample, and batch mixing.
        let tiny = message(["data.extra={store: \(unlabelled), fraction: 0.01}"])
        XCTAssertTrue(tiny.contains("data.extra") && tiny.contains("gives 0 extra samples"), tiny)
        let mixed = message(["data.extra={store: \(unlabelled)}", "data.mix={mixup_alpha: 1.0}"])
        XCTAssertTrue(mixed.contains("data.extra") && mixed.contains("data.mix"), mixed)
        XCTAssertTrue(message(["data.extra={store: \(unlabelled), fraction: 1.0}"]).contains("must be in (0, 1)"))
    }
}
