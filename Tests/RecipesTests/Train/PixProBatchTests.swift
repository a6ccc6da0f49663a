import Backbones
import DataStore
import Foundation
import NN
import Objectives
import Recipes
import Support
import TensorCore
import XCTest

/// PixPro pairs pixels by the crop boxes the loader recorded: the boxes a PixPro batch uses must be
/// the boxes recomputed from each view's `ViewParams` (PixPro's `transform_coord.py` convention),
/// flips and scaled crops included, and the positive pairs of the loss must follow from them.
final class PixProBatchTests: XCTestCase {
    /// `RandomResizedCropCoord` + `RandomHorizontalFlipCoord`, from the recorded crop in source pixels.
    func referenceBox(_ p: ViewParams) -> [Float] {
        let w = Float(p.srcWidth - 1)
        let h = Float(p.srcHeight - 1)
        var box = [Float(p.left) / w, Float(p.top) / h, Float(p.left + p.width - 1) / w, Float(p.top + p.height - 1) / h]
        if p.flipped { box.swapAt(0, 2) }
        return box
    }

    func testPixProUsesTheRecordedBoxesIncludingFlipsAndScaledCrops() throws {
        var spec = DataStore.ViewSpec(crop: .randomResized(scale: 0.2...1, ratio: 0.75...1.333), outHeight: 28, outWidth: 28)
        spec.flipProbability = 0.5
        let config = LoaderConfig(batchSize: 16, views: [spec, spec])
        let batch = try Loader(store: StoreReader(path: TinyStores.train()), config: config).epoch(0).next()!
        let tb = TrainingBatch(batch)
        let used = PixPro<ResNet<BasicBlock>>.boxes(of: tb)
        var flips = Set<Bool>()
        var scaled = false
        for (v, boxes) in [used.0, used.1].enumerated() {
            XCTAssertEqual(boxes.shape, [16, 4])
            for i in 0..<16 {
                let p = batch.views[v].params[i]
                flips.insert(p.flipped)
                scaled = scaled || p.width < p.srcWidth || p.height < p.srcHeight
                XCTAssertEqual(Array(boxes.scalars[4 * i..<4 * i + 4]), referenceBox(p), "view \(v) sample \(i) (\(p))")
            }
        }
        XCTAssertEqual(flips, [true, false], "the batch has flipped and unflipped views")
        XCTAssertTrue(scaled, "the batch has crops smaller than the image")

        // The objective's loss pairs pixels by exactly these boxes: its positive-pair count is the
        // one of the reference boxes on its 7x7 map (28 px, CIFAR stem, last stride 1).
        var rng = Philox(seed: 3)
        var model = ResNet<BasicBlock>(blocks: [1, 1, 1, 1], stem: .cifar, inputChannels: 1, width: 0.125, classCount: nil, lastStride: 1, rng: &rng)
        var pixpro = PixPro(model: model, projectorHidden: 16, projectorOutput: 8, rng: &rng)
        var context = Context(training: true)
        let out = try pixpro.losses(model: &model, batch: tb, progress: TrainingProgress(step: 0, totalSteps: 10, epoch: 0), context: &context)
        let reference = (0..<2).map { v in Tensor(shape: [16, 4], scalars: (0..<16).flatMap { referenceBox(batch.views[v].params[$0]) }) }
        let pairs = PixProLosses.positivePairs(boxQuery: reference[0], boxKey: reference[1], height: 7, width: 7, threshold: 0.7)
        XCTAssertEqual(out.metrics["pixpro_pairs"], pairs.sum().scalar / 16)
        XCTAssertTrue(out.terms[0].value.scalar.isFinite)
    }
}
