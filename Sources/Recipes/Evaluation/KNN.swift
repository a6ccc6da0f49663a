import Foundation
import Support
import TensorCore

/// Weighted kNN classification of frozen features (Wu et al. 2018, InstDisc; as in DINO): features are
/// L2-normalised, each test sample takes its k most cosine-similar training samples, and each neighbour
/// votes for its label with weight `exp(s / T)`; classes are ranked by total vote.
public enum KNN {
    /// Scores `[M, C]` (summed vote weights) of each test sample, computed in blocks of `blockSize` rows.
    public static func scores(
        trainFeatures: Tensor, trainLabels: IntTensor, testFeatures: Tensor, classCount: Int,
        k: Int = 200, temperature: Double = 0.07, blockSize: Int = 256
    ) throws -> Tensor {
        try validate(features: trainFeatures, labels: trainLabels, classCount: classCount, split: "train")
        guard testFeatures.rank == 2, testFeatures.shape[1] == trainFeatures.shape[1] else {
            throw EvaluationError("test features \(testFeatures.shape) do not match train features \(trainFeatures.shape)")
        }
        guard k >= 1, temperature > 0 else { throw EvaluationError("kNN needs k >= 1 and temperature > 0, got k=\(k), T=\(temperature)") }
        let train = trainFeatures.detached.l2Normalized(alongAxis: 1)
        let test = testFeatures.detached.l2Normalized(alongAxis: 1)
        let n = train.shape[0]
        let m = test.shape[0]
        let c = classCount
        let neighbours = Swift.min(k, n)
        let labels = trainLabels.scalars
        let inverseT = Float(1 / temperature)
        var out = [Float](repeating: 0, count: m * c)
        var start = 0
        while start < m {
            let rows = Swift.min(blockSize, m - start)
            let block = test.slice(alongAxis: 0, start..<(start + rows))
            let (similarity, index) = Tensor.matmul(block, train, transposeB: true).topK(neighbours)  // [rows, k]
            let (s, j) = (similarity.scalars, index.scalars)
            for r in 0..<rows {
                for t in (r * neighbours)..<((r + 1) * neighbours) {
                    out[(start + r) * c + Int(labels[Int(j[t])])] += expf(s[t] * inverseT)
                }
            }
            start += rows
        }
        return Tensor(shape: [m, c], scalars: out)
    }

    /// Top-1 and top-5 accuracy of the weighted kNN classifier on the test split.
    public static func evaluate(
        trainFeatures: Tensor, trainLabels: IntTensor, testFeatures: Tensor, testLabels: IntTensor,
        classCount: Int, k: Int = 200, temperature: Double = 0.07
    ) throws -> KNNResult {
        try validate(features: testFeatures, labels: testLabels, classCount: classCount, split: "test")
        let s = try scores(
            trainFeatures: trainFeatures, trainLabels: trainLabels, testFeatures: testFeatures,
            classCount: classCount, k: k, temperature: temperature)
        let (top1, top5) = topKAccuracy(scores: s, labels: testLabels, k: 5)
        return KNNResult(k: k, temperature: temperature, top1: top1, top5: top5)
    }
}
