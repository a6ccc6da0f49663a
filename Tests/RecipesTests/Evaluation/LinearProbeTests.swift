import Foundation
import Recipes
import TensorCore
import TestSupport
import XCTest

final class LinearProbeTests: XCTestCase {
    func testSeparableBlobsAreClassifiedPerfectly() throws {
        var g = Blobs(seed: 1)
        let means: [[Double]] = [[8, 0, 0, 0, 0], [0, 8, 0, 0, 0], [0, 0, 8, 0, 0], [0, 0, 0, 8, 0]]
        let (trainX, trainY) = g.sample(means: means, perClass: 100)
        let (testX, testY) = g.sample(means: means, perClass: 50)
        let result = try LinearProbe.evaluate(
            trainFeatures: trainX, trainLabels: trainY, testFeatures: testX, testLabels: testY,
            classCount: 4, options: LinearProbeOptions(weightDecays: [1e-4, 1e-2]))
        XCTAssertEqual(result.top1, 1, accuracy: 1e-9)
        XCTAssertEqual(result.top5, 1, accuracy: 1e-9)
        XCTAssertEqual(result.sweep.count, 2)
        XCTAssertTrue([1e-4, 1e-2].contains(result.weightDecay))
    }

    func testOverlappingGaussiansReachTheBayesAccuracy() throws {
        // Two unit-variance Gaussians at -1 and +1 in the first of 4 dimensions (others pure noise):
        // the Bayes-optimal (and logistic) classifier has accuracy Phi(1) = 0.8413.
        var g = Blobs(seed: 2)
        let means: [[Double]] = [[-1, 0, 0, 0], [1, 0, 0, 0]]
        let (trainX, trainY) = g.sample(means: means, perClass: 1000)
        let (testX, testY) = g.sample(means: means, perClass: 2000)
        let options = LinearProbeOptions(weightDecays: [1e-5, 1e-3])
        let result = try LinearProbe.evaluate(
            trainFeatures: trainX, trainLabels: trainY, testFeatures: testX, testLabels: testY,
            classCount: 2, options: options)
        XCTAssertEqual(result.top1, 0.8413, accuracy: 0.02)
        XCTAssertEqual(result.top5, 1)
        XCTAssertEqual(result.trainTop1, 0.8413, accuracy: 0.03)
        // Deterministic.
        let again = try LinearProbe.evaluate(
            trainFeatures: trainX, trainLabels: trainY, testFeatures: testX, testLabels: testY,
            classCount: 2, options: options)
        XCTAssertEqual(again, result)
    }

    func testFitMinimisesTheRegularisedLoss() throws {
        // With strong weight decay the weights shrink; the fitted classifier matches its own scores' argmax.
        var g = Blobs(seed: 3)
        let (x, y) = g.sample(means: [[2, 0], [0, 2], [-2, -2]], perClass: 60)
        let weak = try LinearProbe.fit(features: x, labels: y, classCount: 3, weightDecay: 1e-6)
        let strong = try LinearProbe.fit(features: x, labels: y, classCount: 3, weightDecay: 1)
        let norm = { (w: Tensor) in w.scalars.reduce(0) { $0 + Double($1 * $1) } }
        XCTAssertLessThan(norm(strong.weight), norm(weak.weight))
        XCTAssertGreaterThan(weak.accuracy(x, y).top1, 0.9)
        XCTAssertEqual(weak.logits(x).shape, Shape([180, 3]))
    }

    func testClosedFormGradientMatchesTheTape() {
        var g = Blobs(seed: 6)
        let (x, y) = g.sample(means: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]], perClass: 5)
        var rng = Blobs(seed: 7)
        let w0 = Tensor(shape: [3, 4], scalars: (0..<12).map { _ in Float(rng.normal()) })
        let b0 = Tensor(shape: [4], scalars: (0..<4).map { _ in Float(rng.normal()) })
        let wd = 0.3
        let (loss, gw, gb) = LinearProbe.lossAndGradient(features: x, labels: y, weight: w0, bias: b0, weightDecay: wd)
        let tape = Tape()
        let w = tape.watch(w0)
        let b = tape.watch(b0)
        let reference = Tensor.crossEntropy(logits: Tensor.matmul(x, w) + b, labels: y) + (w * w).sum() * Float(wd / 2)
        let grads = tape.gradients(of: reference, wrt: [w, b])
        XCTAssertEqual(loss, Double(reference.scalar), accuracy: 1e-4)
        assertClose(gw, grads[0], atol: 1e-5, rtol: 0, "weight gradient")
        assertClose(gb, grads[1], atol: 1e-5, rtol: 0, "bias gradient")
    }

    func testShapeAndLabelErrors() {
        let x = Tensor(zeros: [4, 3])
        let y = IntTensor([0, 1, 0, 1])
        XCTAssertThrowsError(
            try LinearProbe.evaluate(
                trainFeatures: x, trainLabels: IntTensor([0, 1, 0]), testFeatures: x, testLabels: y,
                classCount: 2)
        ) { error in
            XCTAssertTrue("\(error)".contains("train labels"), "\(error)")
        }
        XCTAssertThrowsError(
            try LinearProbe.evaluate(
                trainFeatures: x, trainLabels: y, testFeatures: Tensor(zeros: [4, 2]), testLabels: y,
                classCount: 2))
        XCTAssertThrowsError(try LinearProbe.fit(features: x, labels: IntTensor([0, 1, 2, 5]), classCount: 3, weightDecay: 0)) { error in
            XCTAssertTrue("\(error)".contains("label 5"), "\(error)")
        }
    }
}
