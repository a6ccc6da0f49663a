import Foundation
import TensorCore

/// The evaluation protocol of design.md section 8 on extracted features: kNN (cosine, k=200,
/// T=0.07) and a linear probe with a weight-decay sweep on a held-out part of the train split.
public enum Probe {
    /// Runs the evaluations `eval` asks for (both when called from `retort probe`).
    public static func run(
        train: ExtractedFeatures, test: ExtractedFeatures, source: String, eval: EvalOptions,
        classCount: Int?, linear: Bool? = nil, knn: Bool? = nil
    ) throws -> ProbeReport {
        let classes = classCount ?? Int((train.labels.scalars.max() ?? 0) + 1)
        var report = ProbeReport(
            source: source, trainCount: train.labels.count, testCount: test.labels.count,
            featureCount: train.features.shape[1], classCount: classes)
        if knn ?? (eval.knnEvery > 0) {
            report.knn = try KNN.evaluate(
                trainFeatures: train.features, trainLabels: train.labels, testFeatures: test.features,
                testLabels: test.labels, classCount: classes, k: eval.knnK, temperature: eval.knnTemperature)
        }
        if linear ?? eval.linearProbe {
            report.linear = try LinearProbe.evaluate(
                trainFeatures: train.features, trainLabels: train.labels,
                testFeatures: test.features, testLabels: test.labels, classCount: classes,
                options: LinearProbeOptions(weightDecays: eval.probeWeightDecays))
        }
        return report
    }
}
