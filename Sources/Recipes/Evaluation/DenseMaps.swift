import Backbones
import DataStore
import Foundation
import NN
import Objectives
import Support
import TensorCore

/// A batch of frozen feature maps with the label maps and pixels of the same images (dense probe).
struct DenseMaps {
    /// Features, image after image, pixel after pixel (row-major), `channels` floats each: `[count, h·w, D]`.
    var features: [Float]
    /// Label maps `[count, H·W]` (0 background, 1 + class).
    var labels: [[UInt8]]
    /// The images' pixels as stored (first channel, `[count, H·W]`), for pictures.
    var pixels: [[UInt8]]
    /// Store positions of the images.
    var positions: [Int]
    /// Map height, width and channels.
    var height: Int, width: Int, channels: Int
    /// Label-map height and width.
    var labelHeight: Int, labelWidth: Int

    var count: Int { positions.count }

    /// Runs `backbone` (inference mode, centre view at the stored size, normalised) over the first
    /// `count` images of `store` in order and calls `body` per batch with the last-stage maps.
    static func forEachBatch<B: Backbone>(
        _ backbone: B, store: StoreReader, count: Int, mean: [Float], std: [Float], channels: Int,
        batchSize: Int, _ body: (DenseMaps) throws -> Void
    ) throws {
        let geo = try FeatureExtractor.imageGeometry(of: store)
        guard let segmentation = store.schema.fieldIndex(Ingest.segmentationField), let image = store.schema.imageFieldIndex else {
            throw EvaluationError("\(store.path): needs an image field and a '\(Ingest.segmentationField)' field")
        }
        var view = DataStore.ViewSpec(crop: .center, outHeight: geo.height, outWidth: geo.width)
        view.flipProbability = 0
        view.mean = mean
        view.std = std
        var config = LoaderConfig(batchSize: max(1, min(batchSize, count)), views: [view])
        config.positions = Array(0..<count)
        config.order = .sequential
        config.dropLast = false
        config.channels = channels
        let it = try Loader(store: store, config: config).epoch(0)
        var model = backbone
        var done = 0
        while let batch = try it.next() {
            let keep = min(batch.sampleIDs.count, count - done)
            if keep <= 0 { break }
            var ctx = Context(training: false)
            let out = model.extract(TrainingBatch(batch, limit: keep).views[0], context: &ctx)
            guard let map = out.intermediates.last, map.rank == 4 else {
                throw EvaluationError("dense probe: the backbone's last stage is not a feature map [N, D, h, w]")
            }
            var labels: [[UInt8]] = []
            var pixels: [[UInt8]] = []
            for j in 0..<keep {
                let position = done + j
                guard store.sampleID(position) == batch.sampleIDs[j] else {
                    throw EvaluationError("\(store.path): the loader returned sample \(batch.sampleIDs[j]) at position \(position)")
                }
                guard let info = try store.imageInfo(sample: position, field: segmentation), info.height == geo.height,
                    info.width == geo.width, info.channels == 1
                else {
                    throw EvaluationError("\(store.path): sample \(position)'s label map is not \(geo.height)x\(geo.width)x1")
                }
                labels.append(try store.bytes(sample: position, field: segmentation))
                let raw = try store.bytes(sample: position, field: image)
                pixels.append(stride(from: 0, to: raw.count, by: geo.channels).map { raw[$0] })
            }
            let d = map.shape[1]
            let h = map.shape[2]
            let w = map.shape[3]
            try body(
                DenseMaps(
                    features: map.permuted([0, 2, 3, 1]).scalars, labels: labels, pixels: pixels,
                    positions: Array(done..<(done + keep)), height: h, width: w, channels: d,
                    labelHeight: geo.height, labelWidth: geo.width))
            done += keep
        }
    }

    /// The images at `indices`.
    func subset(_ indices: [Int]) -> DenseMaps {
        let block = height * width * channels
        return DenseMaps(
            features: indices.flatMap { features[($0 * block)..<(($0 + 1) * block)] }, labels: indices.map { labels[$0] },
            pixels: indices.map { pixels[$0] }, positions: indices.map { positions[$0] }, height: height, width: width,
            channels: channels, labelHeight: labelHeight, labelWidth: labelWidth)
    }

    /// `pixels` label-map pixels of image `i` drawn uniformly from `rng`, with their features
    /// bilinearly upsampled from the map.
    func sample(_ i: Int, pixels count: Int, rng: inout Philox) -> PixelSamples {
        let ys = Bilinear(input: height, output: labelHeight)
        let xs = Bilinear(input: width, output: labelWidth)
        var out = PixelSamples()
        out.width = channels
        out.rows.reserveCapacity(count * channels)
        let base = i * height * width * channels
        for _ in 0..<count {
            let y = rng.nextInt(below: labelHeight)
            let x = rng.nextInt(below: labelWidth)
            let row = ys.taps[y]
            let col = xs.taps[x]
            var v = [Float](repeating: 0, count: channels)
            for (r, wr) in [(row.lo, 1 - row.t), (row.hi, row.t)] {
                for (c, wc) in [(col.lo, 1 - col.t), (col.hi, col.t)] {
                    let weight = wr * wc
                    let offset = base + (r * width + c) * channels
                    if weight == 0 { continue }
                    for k in 0..<channels { v[k] += weight * features[offset + k] }
                }
            }
            out.rows.append(contentsOf: v)
            out.classes.append(Int32(labels[i][y * labelWidth + x]))
        }
        return out
    }

    /// Calls `body(i, truth, prediction)` per image: the argmax of the classifier's logits on the
    /// map, upsampled bilinearly to the label resolution.
    func predict(_ classifier: LinearClassifier, _ body: (Int, [UInt8], [UInt8]) throws -> Void) rethrows {
        let hw = height * width
        let logits = classifier.logits(Tensor(shape: [count * hw, channels], scalars: features)).scalars
        let k = classifier.bias.shape[0]
        let ys = Bilinear(input: height, output: labelHeight)
        let xs = Bilinear(input: width, output: labelWidth)
        var scores = [Float](repeating: 0, count: k)
        for i in 0..<count {
            var prediction = [UInt8](repeating: 0, count: labelHeight * labelWidth)
            for y in 0..<labelHeight {
                let row = ys.taps[y]
                for x in 0..<labelWidth {
                    let col = xs.taps[x]
                    for j in 0..<k { scores[j] = 0 }
                    for (r, wr) in [(row.lo, 1 - row.t), (row.hi, row.t)] {
                        for (c, wc) in [(col.lo, 1 - col.t), (col.hi, col.t)] {
                            let weight = wr * wc
                            let offset = (i * hw + r * width + c) * k
                            for j in 0..<k { scores[j] += weight * logits[offset + j] }
                        }
                    }
                    var best = 0
                    for j in 1..<k where scores[j] > scores[best] { best = j }
                    prediction[y * labelWidth + x] = UInt8(best)
                }
            }
            try body(i, labels[i], prediction)
        }
    }
}
