import Foundation
import Recipes
import TensorCore
import XCTest

final class KNNTests: XCTestCase {
    /// Brute force: cosine similarities in Double, full sort, exp(s/T) votes.
    func referenceScores(train: Tensor, labels: IntTensor, test: Tensor, classes: Int, k: Int, t: Double) -> [[Double]] {
        let d = train.shape[1]
        func row(_ m: Tensor, _ i: Int) -> [Double] {
            let v = (0..<d).map { Double(m.scalars[i * d + $0]) }
            let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / n }
        }
        return (0..<test.shape[0]).map { i in
            let q = row(test, i)
            let sims = (0..<train.shape[0]).map { j in zip(q, row(train, j)).reduce(0) { $0 + $1.0 * $1.1 } }
            let order = sims.indices.sorted { sims[$0] > sims[$1] || (sims[$0] == sims[$1] && $0 < $1) }
            var votes = [Double](repeating: 0, count: classes)
            for j in order.prefix(k) { votes[Int(labels.scalars[j])] += exp(sims[j] / t) }
            return votes
        }
    }

    func testScoresMatchBruteForce() throws {
        var g = Blobs(seed: 4)
        let means: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]
        let (train, labels) = g.sample(means: means, perClass: 30, std: 0.6)
        let (test, _) = g.sample(means: means, perClass: 5, std: 0.6)
        for (k, t) in [(1, 0.07), (7, 0.07), (20, 0.5), (500, 0.1)] {
            let s = try KNN.scores(
                trainFeatures: train, trainLabels: labels, testFeatures: test, classCount: 4, k: k, temperature: t,
                blockSize: 7)
            let ref = referenceScores(train: train, labels: labels, test: test, classes: 4, k: min(k, 120), t: t)
            for i in 0..<test.shape[0] {
                for c in 0..<4 {
                    let got = Double(s.scalars[i * 4 + c])
                    let want = ref[i][c]
                    XCTAssertEqual(got, want, accuracy: 1e-4 * max(1, want), "k=\(k) row \(i) class \(c)")
                }
            }
        }
    }

    func testAccuracyOnBlobs() throws {
        var g = Blobs(seed: 5)
        let means: [[Double]] = [[6, 0, 0, 0], [0, 6, 0, 0], [0, 0, 6, 0], [0, 0, 0, 6], [-6, 0, 0, 0], [0, -6, 0, 0]]
        let (train, trainY) = g.sample(means: means, perClass: 40)
        let (test, testY) = g.sample(means: means, perClass: 10)
        let r = try KNN.evaluate(trainFeatures: train, trainLabels: trainY, testFeatures: test, testLabels: testY, classCount: 6, k: 20)
        XCTAssertEqual(r.top1, 1, accuracy: 1e-9)
        XCTAssertEqual(r.top5, 1, accuracy: 1e-9)
        XCTAssertEqual(r.k, 20)
        // Labels shuffled against the features: chance-level top-1, far below 1.
        let shuffled = IntTensor(testY.scalars.enumerated().map { Int32((Int($0.element) + 1 + $0.offset % 5) % 6) })
        let bad = try KNN.evaluate(trainFeatures: train, trainLabels: trainY, testFeatures: test, testLabels: shuffled, classCount: 6, k: 20)
        XCTAssertEqual(bad.top1, 0, accuracy: 1e-9)
    }

    func testBadInputsThrow() {
        XCTAssertThrowsError(
            try KNN.scores(
                trainFeatures: Tensor(zeros: [3, 2]), trainLabels: IntTensor([0, 1, 0]),
                testFeatures: Tensor(zeros: [2, 3]), classCount: 2))
        XCTAssertThrowsError(
            try KNN.scores(
                trainFeatures: Tensor(zeros: [3, 2]), trainLabels: IntTensor([0, 1, 0]),
                testFeatures: Tensor(zeros: [2, 2]), classCount: 2, k: 0))
    }
}
