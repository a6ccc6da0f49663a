import Backbones
import DataStore
import Foundation
import NN
import Objectives
import Support
import TensorCore

/// Settings of the dense (per-pixel) linear probe.
public struct DenseProbeOptions: Sendable, Equatable {
    /// Training images taken from the start of the train store (which is shuffled at write time).
    public var trainImages: Int = 5000
    /// Pixels sampled per training image (seeded, uniform over the label map) for the fit.
    public var pixelsPerImage: Int = 32
    /// Weight decays tried; the best validation mIoU chooses (ties: the larger).
    public var weightDecays: [Double] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2]
    /// Fraction of the training images held out to choose the weight decay.
    public var validationFraction: Double = 0.1
    /// L-BFGS iterations per fit.
    public var maxIterations: Int = 100
    /// Test images drawn as PNG (input | truth | prediction) when a mask folder is given.
    public var maskImages: Int = 16
    /// Seed of the pixel sample and the validation split.
    public var seed: UInt64 = 0
    /// Images per backbone batch.
    public var batchSize: Int = 128

    /// The defaults above.
    public init() {}
}

/// Dense evaluation of frozen feature maps on a store with a per-pixel label map (`segmentation`,
/// 0 = background, 1 + class; `retort store build fashion-mnist-mosaic`).
///
/// The classifier is a 1×1 convolution on the backbone's last-stage map `[N, D, h, w]`, its logits
/// upsampled bilinearly (`align_corners=False`) to the label resolution `H × W`. Because bilinear
/// upsampling is linear with weights summing to one, that equals the 1×1 convolution applied to the
/// upsampled (and standardised) features, which is how it is fitted: multinomial logistic regression
/// (`LinearProbe.fit`, L-BFGS, `mean CE + wd/2 ‖W‖²`) on the upsampled features of
/// `pixelsPerImage` seeded pixels of each training image (an unbiased sample of the per-pixel loss;
/// the full 5,000 × 56 × 56 × D design matrix would not fit in memory). The weight decay is chosen
/// by mIoU on the held-out images of train (all their pixels), then the classifier is refitted on
/// the samples of all training images and scored on every pixel of the test store: per-class IoU
/// `TP / (TP + FP + FN)` over background + classes (classes absent from truth and prediction are
/// left out of the mean) and pixel accuracy.
public enum DenseProbe {
    /// Runs the protocol; `masks`, when given, receives PNGs of the first test images.
    public static func run<B: Backbone>(
        _ backbone: B, train: String, test: String, mean: [Float], std: [Float], channels: Int,
        options: DenseProbeOptions = DenseProbeOptions(), masks: URL? = nil,
        progress: ((String) -> Void)? = nil
    ) throws -> DenseProbeResult {
        let trainStore = try StoreReader(path: train)
        let testStore = try StoreReader(path: test)
        let classCount = try segmentationClasses(trainStore)
        guard try segmentationClasses(testStore) == classCount else {
            throw EvaluationError("\(test): its label map has \(try segmentationClasses(testStore)) classes, \(train) has \(classCount)")
        }
        let count = min(options.trainImages, trainStore.count)
        let validationCount = max(1, Int((Double(count) * options.validationFraction).rounded()))
        guard count - validationCount >= 1 else { throw EvaluationError("\(train): \(count) images are too few to hold out a validation part") }
        let validation = Set(LinearProbe.permutation(count, seed: options.seed).prefix(validationCount))

        // Pass 1: sampled pixels of every training image; all pixels of the validation images.
        var sampled = PixelSamples()
        var fitSamples = PixelSamples()
        var held: [DenseMaps] = []
        var mapSize = (0, 0)
        try DenseMaps.forEachBatch(
            backbone, store: trainStore, count: count, mean: mean, std: std, channels: channels,
            batchSize: options.batchSize
        ) { maps in
            for i in 0..<maps.count {
                let position = maps.positions[i]
                var rng = Philox(seed: options.seed, keys: [0x70_6978_656c, UInt64(position)])  // "pixel"
                let s = maps.sample(i, pixels: options.pixelsPerImage, rng: &rng)
                sampled.append(s)
                if !validation.contains(position) { fitSamples.append(s) }
            }
            mapSize = (maps.height, maps.width)
            let keep = (0..<maps.count).filter { validation.contains(maps.positions[$0]) }
            if !keep.isEmpty { held.append(maps.subset(keep)) }
            progress?("train features: \(maps.positions.last.map { $0 + 1 } ?? 0)/\(count)")
        }

        var sweep: [DenseWeightDecayTrial] = []
        for wd in options.weightDecays {
            let classifier = try LinearProbe.fit(
                features: fitSamples.features, labels: fitSamples.labels, classCount: classCount,
                weightDecay: wd, maxIterations: options.maxIterations)
            var confusion = ConfusionMatrix(classCount: classCount)
            for maps in held { maps.predict(classifier) { _, truth, prediction in confusion.add(truth: truth, prediction: prediction) } }
            sweep.append(DenseWeightDecayTrial(weightDecay: wd, validationMIoU: confusion.meanIoU, iterations: classifier.iterations))
            progress?("weight decay \(wd): validation mIoU \(confusion.meanIoU)")
        }
        let best = sweep.enumerated().max { a, b in
            a.element.validationMIoU < b.element.validationMIoU
                || (a.element.validationMIoU == b.element.validationMIoU && a.element.weightDecay < b.element.weightDecay)
        }!.element
        held = []
        let final = try LinearProbe.fit(
            features: sampled.features, labels: sampled.labels, classCount: classCount,
            weightDecay: best.weightDecay, maxIterations: options.maxIterations)

        // Pass 2: every pixel of the test store.
        var confusion = ConfusionMatrix(classCount: classCount)
        var drawn = 0
        if let masks { try FileManager.default.createDirectory(at: masks, withIntermediateDirectories: true) }
        try DenseMaps.forEachBatch(
            backbone, store: testStore, count: testStore.count, mean: mean, std: std, channels: channels,
            batchSize: options.batchSize
        ) { maps in
            try maps.predict(final) { i, truth, prediction in
                confusion.add(truth: truth, prediction: prediction)
                if let masks, drawn < options.maskImages {
                    let png = try MaskPicture.png(
                        input: maps.pixels[i], truth: truth, prediction: prediction,
                        height: maps.labelHeight, width: maps.labelWidth, classCount: classCount)
                    try AtomicFile.write(Data(png), to: masks.appendingPathComponent(String(format: "test-%05d.png", maps.positions[i])))
                    drawn += 1
                }
            }
            progress?("test: \(maps.positions.last.map { $0 + 1 } ?? 0)/\(testStore.count)")
        }
        return DenseProbeResult(
            meanIoU: confusion.meanIoU, pixelAccuracy: confusion.pixelAccuracy, classIoU: confusion.iou,
            weightDecay: best.weightDecay, sweep: sweep, trainImages: count, pixelsPerImage: options.pixelsPerImage,
            mapHeight: mapSize.0, mapWidth: mapSize.1, testImages: testStore.count, iterations: final.iterations)
    }

    /// Background + the store's classes, checked against the `segmentation` field.
    static func segmentationClasses(_ store: StoreReader) throws -> Int {
        guard let f = store.schema.fieldIndex(Ingest.segmentationField), store.schema.fields[f].kind == .image else {
            throw EvaluationError(
                "\(store.path): no '\(Ingest.segmentationField)' label-map field (build one with `retort store build fashion-mnist-mosaic`)")
        }
        guard !store.schema.classNames.isEmpty else { throw EvaluationError("\(store.path): the store names no classes") }
        return store.schema.classNames.count + 1
    }
}

/// Sampled pixels: upsampled features `[M, D]` and their classes `[M]`.
struct PixelSamples {
    var rows: [Float] = []
    var classes: [Int32] = []
    var width = 0

    mutating func append(_ other: PixelSamples) {
        rows.append(contentsOf: other.rows)
        classes.append(contentsOf: other.classes)
        width = other.width
    }

    var features: Tensor { Tensor(shape: [classes.count, width], scalars: rows) }
    var labels: IntTensor { IntTensor(shape: [classes.count], scalars: classes) }
}
