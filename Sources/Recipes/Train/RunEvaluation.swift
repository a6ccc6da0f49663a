import Backbones
import Foundation
import NN
import Objectives
import Support

/// Evaluation inside a run. Model selection sees the validation part of the training store only
/// (kNN of validation samples against the training part); the test split is scored once, at the
/// end, on the selected backbone (`best` when a periodic validation score beat the final one, else
/// the last), with kNN and/or the linear probe against the whole training store, as `retort probe` does.
struct RunEvaluation {
    let trainer: Trainer
    let split: ValidationSplit
    private var recipe: Recipe { trainer.recipe }

    /// Frozen features (and logits) of every sample of the store at `path` (no augmentation).
    private func features<B: Backbone>(of backbone: B, store path: String, withLogits: Bool = false) throws -> ExtractedFeatures {
        let norm = recipe.evaluationNormalization
        return try FeatureExtractor.extract(
            backbone, storePath: path, mean: norm.mean, std: norm.std,
            channels: recipe.model.inChannels, withLogits: withLogits)
    }

    /// kNN top-1 of the validation samples against the training samples, on `backbone`'s features.
    func validationKNN<B: Backbone>(_ backbone: B) throws -> Double {
        try validationKNN(try features(of: backbone, store: recipe.data.train))
    }

    /// RankMe of `backbone`'s features on the fixed monitor batch: the first `eval.rankme_samples`
    /// samples (stored order) of the validation part, else of the training store.
    func rankMe<B: Backbone>(_ backbone: B) throws -> Double {
        let pool = split.isEmpty ? split.trainPositions : split.validationPositions
        let norm = recipe.evaluationNormalization
        let batch = try FeatureExtractor.extract(
            backbone, storePath: recipe.data.train, mean: norm.mean, std: norm.std,
            channels: recipe.model.inChannels, positions: Array(pool.sorted().prefix(recipe.eval.rankMeSamples)))
        return RankMe.effectiveRank(batch.features)
    }

    /// kNN top-1 of the validation rows of `all` (features of the whole training store) against its training rows.
    private func validationKNN(_ all: ExtractedFeatures) throws -> Double {
        try Probe.run(
            train: all.rows(split.trainPositions), test: all.rows(split.validationPositions), source: trainer.run.url.lastPathComponent,
            eval: recipe.eval, classCount: recipe.model.classes, linear: false, knn: true
        ).knn?.top1 ?? 0
    }

    /// Selects the backbone (`best` is the last checkpoint unless an earlier validation score beat
    /// the final one), scores it on the test split into `summary`, and returns it.
    func finish<B: Backbone>(_ last: B, bestScore: Double?, summary: inout RunSummary) throws -> B {
        var selected = last
        var selectedTrain: ExtractedFeatures?  // the selected backbone's training-store features, when already extracted
        if recipe.eval.knnEvery > 0, !split.isEmpty {
            let all = try features(of: last, store: recipe.data.train, withLogits: true)
            let final = try validationKNN(all)
            summary.metrics["val_knn_top1"] = final
            selectedTrain = all
            if let best = bestScore, best > final {
                selectedTrain = nil
                try selected.load(from: trainer.run.checkpoint(named: "best"))
                summary.metrics["best_val_knn_top1"] = best
                trainer.log("selected the best checkpoint (validation kNN \(String(format: "%.4f", best)) > final \(String(format: "%.4f", final)))")
            } else {
                try copyCheckpoint(from: "last", to: "best")
            }
        } else {
            try copyCheckpoint(from: "last", to: "best")
        }
        try scoreOnTest(selected, train: selectedTrain, summary: &summary)
        return selected
    }

    /// kNN and/or linear probe of `backbone` on the test split, and its classifier's test accuracy;
    /// `known` are its training-store features when the caller has them already.
    private func scoreOnTest<B: Backbone>(_ backbone: B, train known: ExtractedFeatures?, summary: inout RunSummary) throws {
        guard let test = recipe.data.test, recipe.eval.linearProbe || recipe.eval.knnEvery > 0 else { return }
        trainer.log("evaluating on the test split: extracting features of \(known == nil ? recipe.data.train + " and " : "")\(test)")
        let train = try known ?? features(of: backbone, store: recipe.data.train, withLogits: true)
        let testF = try features(of: backbone, store: test, withLogits: true)
        let report = try Probe.run(
            train: train, test: testF, source: trainer.run.url.lastPathComponent, eval: recipe.eval,
            classCount: recipe.model.classes)
        summary.probe = report
        if let l = testF.logits { summary.metrics["test_accuracy"] = Double(Metrics.accuracy(l, testF.labels)) }
        if let k = report.knn { summary.metrics["knn_top1"] = k.top1 }
        if let l = report.linear { summary.metrics["linear_top1"] = l.top1 }
        trainer.log(report.table())
    }

    private func copyCheckpoint(from: String, to: String) throws {
        let data = try Data(contentsOf: trainer.run.checkpoint(named: from))
        try AtomicFile.write(data, to: trainer.run.checkpoint(named: to), fileSystem: trainer.fileSystem)
    }
}
