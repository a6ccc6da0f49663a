import Foundation
import Support
import TensorCore
import XCTest

/// End-to-end check of the convolution engine on real data: a small CNN (conv-bn-relu x3, pool,
/// linear) built directly from TensorCore ops, trained with SGD + momentum on 2,000 Fashion-MNIST
/// training images, must reach at least 80% accuracy on 1,000 test images.
final class TrainsOnFashionMNISTTests: XCTestCase {
    static let directory = "/usr/share/datasets/fashion-mnist"

    /// The decompressed bytes of a gzip file (via `gzip -dc`).
    func gunzip(_ path: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "gzip -dc \(path) failed")
        return data
    }

    /// The first `count` images of an idx3 file as Floats normalised with the dataset mean/std, and
    /// the matching labels of the idx1 file.
    func load(images: String, labels: String, count: Int) throws -> ([Float], [Int32]) {
        for f in [images, labels] where !FileManager.default.fileExists(atPath: "\(Self.directory)/\(f)") {
            XCTFail("Fashion-MNIST file \(Self.directory)/\(f) is missing: install the Debian package dataset-fashion-mnist (make deps)")
            throw CocoaError(.fileNoSuchFile)
        }
        let img = try gunzip("\(Self.directory)/\(images)")
        let lab = try gunzip("\(Self.directory)/\(labels)")
        func be32(_ d: Data, _ o: Int) -> Int { [UInt8](d[o..<(o + 4)]).reduce(0) { $0 << 8 | Int($1) } }
        XCTAssertEqual(be32(img, 0), 2051, "\(images): bad idx3 magic")
        XCTAssertEqual(be32(lab, 0), 2049, "\(labels): bad idx1 magic")
        XCTAssertEqual([be32(img, 8), be32(img, 12)], [28, 28])
        XCTAssertGreaterThanOrEqual(be32(img, 4), count)
        let pixels = [UInt8](img[16..<(16 + count * 784)]).map { (Float($0) / 255 - 0.286) / 0.353 }
        let ys = [UInt8](lab[8..<(8 + count)]).map { Int32($0) }
        return (pixels, ys)
    }

    struct Model {
        var params: [Tensor]  // conv1 w, bn1 scale, shift, conv2 ..., conv3 ..., linear w, b
        var runningMeans: [Tensor] = []
        var runningVariances: [Tensor] = []

        init(seed: UInt64) {
            var rng = Philox(seed: seed)
            func he(_ shape: Shape, fanIn: Int) -> Tensor {
                let std = (2 / Float(fanIn)).squareRoot()
                return Tensor(shape: shape, scalars: (0..<shape.count).map { _ in rng.nextNormal() * std })
            }
            let widths = [(1, 16), (16, 32), (32, 32)]
            params = []
            for (c, o) in widths {
                params += [he([o, c, 3, 3], fanIn: c * 9), Tensor(repeating: 1, shape: [o]), Tensor(zeros: [o])]
                runningMeans.append(Tensor(zeros: [o]))
                runningVariances.append(Tensor(repeating: 1, shape: [o]))
            }
            params += [he([32 * 3 * 3, 10], fanIn: 288), Tensor(zeros: [10])]
        }

        /// Logits `[N, 10]` for images `[N, 1, 28, 28]`.
        mutating func callAsFunction(_ x: Tensor, _ p: [Tensor], training: Bool) -> Tensor {
            var h = x
            for layer in 0..<3 {
                h = h.conv2d(p[3 * layer], padding: 1)
                h = Tensor.batchNorm(
                    h, scale: p[3 * layer + 1], shift: p[3 * layer + 2],
                    runningMean: &runningMeans[layer], runningVariance: &runningVariances[layer],
                    training: training
                ).relu()
                h = h.maxPool2d(kernel: 2, stride: 2)  // 28 -> 14 -> 7 -> 3
            }
            return h.flattened(from: 1).matmul(p[9]) + p[10]
        }
    }

    func testSmallCNNReachesEightyPercentOnFashionMNIST() throws {
        let (trainX, trainY) = try load(images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz", count: 2000)
        let (testX, testY) = try load(images: "t10k-images-idx3-ubyte.gz", labels: "t10k-labels-idx1-ubyte.gz", count: 1000)
        Threading.setCount(2)
        var model = Model(seed: 1)
        var velocity = model.params.map { Tensor(zeros: $0.shape) }
        let batch = 50
        let epochs = 8
        let momentum: Float = 0.9
        let weightDecay: Float = 5e-4
        var rng = Philox(seed: 2)
        var order = Array(0..<2000)
        var lastLoss: Float = .nan
        for epoch in 0..<epochs {
            let lr: Float = epoch < 6 ? 0.05 : 0.01
            for j in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(j, rng.nextInt(below: j + 1)) }
            for start in stride(from: 0, to: order.count, by: batch) {
                let idx = order[start..<(start + batch)]
                var xs = [Float]()
                var ys = [Int32]()
                xs.reserveCapacity(batch * 784)
                for i in idx {
                    xs += trainX[(i * 784)..<(i * 784 + 784)]
                    ys.append(trainY[i])
                }
                let tape = Tape()
                let p = model.params.map { tape.watch($0) }
                let logits = model(Tensor(shape: [batch, 1, 28, 28], scalars: xs), p, training: true)
                let loss = Tensor.crossEntropy(logits: logits, labels: IntTensor(ys))
                lastLoss = loss.scalar
                let grads = tape.gradients(of: loss, wrt: p)
                for k in model.params.indices {
                    velocity[k] = velocity[k] * momentum + grads[k] + model.params[k] * weightDecay
                    model.params[k] = model.params[k] - velocity[k] * lr
                }
            }
        }
        XCTAssertTrue(lastLoss.isFinite, "training loss diverged")
        var correct = 0
        for start in stride(from: 0, to: 1000, by: 250) {
            let x = Tensor(shape: [250, 1, 28, 28], scalars: Array(testX[(start * 784)..<((start + 250) * 784)]))
            let predicted = model(x, model.params, training: false).argmax(alongAxis: 1).scalars
            for i in 0..<250 where predicted[i] == testY[start + i] { correct += 1 }
        }
        let accuracy = Double(correct) / 1000
        print("Fashion-MNIST small CNN: test accuracy \(accuracy), last training loss \(lastLoss)")
        XCTAssertGreaterThanOrEqual(accuracy, 0.80)
    }
}
