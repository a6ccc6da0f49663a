import Backbones
import DataStore
import Foundation
import NN
import Objectives
import TensorCore

/// Frozen-backbone features of every sample of a store, in store order, in inference mode, without
/// augmentation (centre view at the stored size, normalised).
public struct ExtractedFeatures {
    /// Pooled features `[N, D]`.
    public var features: Tensor
    /// Classifier logits `[N, C]`, when the backbone has a classifier.
    public var logits: Tensor?
    /// Labels `[N]` (-1 where the store has none).
    public var labels: IntTensor
    /// Sample ids in store order.
    public var sampleIDs: [UInt64]
}

/// Runs a backbone over a store.
public enum FeatureExtractor {
    /// The image size and channel count of the store's first image.
    public static func imageGeometry(of store: StoreReader) throws -> (height: Int, width: Int, channels: Int) {
        guard store.count > 0 else { throw TrainError.incompatibleData("\(store.path): the store is empty") }
        for f in store.schema.fields.indices {
            if let info = try store.imageInfo(sample: 0, field: f) { return (info.height, info.width, info.channels) }
        }
        throw TrainError.incompatibleData("\(store.path): the store has no image field")
    }

    /// Features (and logits, when `withLogits` and the backbone has a classifier) of every sample,
    /// or of the samples at the stored `positions` only, in that order.
    public static func extract<B: Backbone>(
        _ backbone: B, storePath: String, mean: [Float], std: [Float], channels: Int,
        batchSize: Int = 256, withLogits: Bool = false, positions: [Int]? = nil,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> ExtractedFeatures {
        let store = try StoreReader(path: storePath)
        let total = positions?.count ?? store.count
        let geo = try imageGeometry(of: store)
        var view = DataStore.ViewSpec(crop: .center, outHeight: geo.height, outWidth: geo.width)
        view.flipProbability = 0
        view.mean = mean
        view.std = std
        var config = LoaderConfig(batchSize: max(1, min(batchSize, total)), views: [view])
        config.positions = positions
        config.order = .sequential
        config.dropLast = false
        config.channels = channels
        let loader = try Loader(store: store, config: config)
        let it = try loader.epoch(0)
        var model = backbone
        var feats: [Float] = []
        var logits: [Float] = []
        var labels: [Int32] = []
        var ids: [UInt64] = []
        var d = 0
        var c = 0
        var done = 0
        while let batch = try it.next() {
            let keep = min(batch.labels.count, total - done)
            if keep <= 0 { break }
            var ctx = Context(training: false)
            let out = model.extract(TrainingBatch(batch, limit: keep).views[0], context: &ctx)
            d = out.features.shape[1]
            feats.append(contentsOf: out.features.scalars)
            if withLogits, let l = model.classify(out.features) {
                c = l.shape[1]
                logits.append(contentsOf: l.scalars)
            }
            labels.append(contentsOf: batch.labels.prefix(keep))
            ids.append(contentsOf: batch.sampleIDs.prefix(keep))
            done += keep
            progress?(done, total)
        }
        return ExtractedFeatures(
            features: Tensor(shape: [done, d], scalars: feats),
            logits: c > 0 ? Tensor(shape: [done, c], scalars: logits) : nil,
            labels: IntTensor(shape: [done], scalars: labels), sampleIDs: ids)
    }
}

extension ExtractedFeatures {
    /// The rows at `positions` (stored positions: features are in store order).
    public func rows(_ positions: [Int]) -> ExtractedFeatures {
        let index = IntTensor(positions)
        return ExtractedFeatures(
            features: features.indexSelect(alongAxis: 0, index), logits: logits?.indexSelect(alongAxis: 0, index),
            labels: IntTensor(shape: [positions.count], scalars: positions.map { labels.scalars[$0] }),
            sampleIDs: positions.map { sampleIDs[$0] })
    }
}
