import Backbones
import DataStore
import Foundation
import NN
import Recipes
import Support
import TensorCore
import TestSupport
import XCTest

/// The dense probe: bilinear taps as PyTorch's `interpolate(align_corners=False)`, the confusion
/// scores, and the whole protocol on a few real mosaics with a tiny ResNet.
final class DenseProbeTests: XCTestCase {
    func upsample(_ values: [Float], to n: Int) -> [Float] {
        Bilinear(input: values.count, output: n).taps.map { values[$0.lo] * (1 - $0.t) + values[$0.hi] * $0.t }
    }

    func testBilinearTapsMatchPyTorch() {
        // F.interpolate(torch.arange(3.).view(1, 1, 1, 3), size=(1, 7), mode="bilinear", align_corners=False)
        assertClose(upsample([0, 1, 2], to: 7), [0.0, 0.14285715, 0.5714286, 1.0, 1.4285715, 1.8571429, 2.0], atol: 1e-6, rtol: 1e-6)
        // torch.arange(14.) to 56: starts 0, 0, 0.125, 0.375, ... ends 12.875, 13, 13.
        let up = upsample((0..<14).map(Float.init), to: 56)
        assertClose(Array(up.prefix(6)), [0, 0, 0.125, 0.375, 0.625, 0.875], atol: 1e-6, rtol: 1e-6)
        assertClose(Array(up.suffix(3)), [12.875, 13, 13], atol: 1e-6, rtol: 1e-6)
    }

    func testConfusionScores() {
        var m = ConfusionMatrix(classCount: 3)
        m.add(truth: [0, 0, 1, 1, 1, 0], prediction: [0, 1, 1, 1, 0, 0])
        // class 0: TP 2, FP 1, FN 1 -> 0.5; class 1: TP 2, FP 1, FN 1 -> 0.5; class 2 absent.
        XCTAssertEqual(m.iou[0], 0.5)
        XCTAssertEqual(m.iou[1], 0.5)
        XCTAssertNil(m.iou[2])
        XCTAssertEqual(m.meanIoU, 0.5)
        XCTAssertEqual(m.pixelAccuracy, 4.0 / 6.0, accuracy: 1e-12)
    }

    func testDenseProbeOnMosaics() throws {
        let dir = "/usr/share/datasets/fashion-mnist"
        guard FileManager.default.fileExists(atPath: dir) else { throw XCTSkip("no Fashion-MNIST at \(dir)") }
        let tmp = try TemporaryDirectory(removedAfter: self)
        var options = MosaicOptions()
        options.count = 40
        let train = tmp.url.appendingPathComponent("train.rstore").path
        let test = tmp.url.appendingPathComponent("test.rstore").path
        try Ingest.fashionMNISTMosaic(dir: dir, split: "train", options: options, out: train)
        options.count = 12
        try Ingest.fashionMNISTMosaic(dir: dir, split: "test", options: options, out: test)
        var rng = Philox(seed: 1)
        let model = ResNet<BasicBlock>(blocks: [1, 1, 1, 1], stem: .cifar, inputChannels: 1, width: 0.125, classCount: nil, lastStride: 1, rng: &rng)
        var probe = DenseProbeOptions()
        probe.trainImages = 30
        probe.pixelsPerImage = 16
        probe.weightDecays = [1e-4, 1e-2]
        probe.maxIterations = 20
        probe.maskImages = 3
        probe.batchSize = 8
        let masks = tmp.url.appendingPathComponent("masks")
        let result = try DenseProbe.run(model, train: train, test: test, mean: [0.1852], std: [0.3048], channels: 1, options: probe, masks: masks)
        XCTAssertEqual(result.mapHeight, 14)
        XCTAssertEqual(result.mapWidth, 14)
        XCTAssertEqual(result.classIoU.count, 11)
        XCTAssertEqual(result.sweep.map(\.weightDecay), [1e-4, 1e-2])
        XCTAssertEqual(result.trainImages, 30)
        XCTAssertEqual(result.testImages, 12)
        XCTAssertTrue((0...1).contains(result.meanIoU) && (0...1).contains(result.pixelAccuracy))
        // Background is most pixels: even a random tiny network's features separate it from items.
        XCTAssertGreaterThan(result.classIoU[0] ?? 0, 0.3)
        let files = try FileManager.default.contentsOfDirectory(atPath: masks.path).sorted()
        XCTAssertEqual(files.count, 3)
        let png = try Data(contentsOf: masks.appendingPathComponent(files[0]))
        let header = try png.withUnsafeBytes { try PNGCodec.header($0) }
        XCTAssertEqual(header.width, 3 * 56 + 4)
        XCTAssertEqual(header.height, 56)
        XCTAssertEqual(header.channels, 3)
        // A store without a label map is an error naming the field.
        XCTAssertThrowsError(
            try DenseProbe.run(
                model, train: try TinyStores.train(), test: test, mean: [0.1852], std: [0.3048], channels: 1,
                options: probe)
        ) { e in
            XCTAssertTrue("\(e)".contains("segmentation"), "\(e)")
        }
    }
}
