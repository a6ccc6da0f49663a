import Foundation
import Support

/// How `Ingest.fashionMNISTMosaic` composes its images.
public struct MosaicOptions: Sendable, Equatable {
    /// Side of the square mosaic in pixels.
    public var size: Int = 56
    /// Number of mosaics to write.
    public var count: Int = 20_000
    /// Items per mosaic, drawn uniformly from this range.
    public var items: ClosedRange<Int> = 2...4
    /// Side of a placed item in pixels, drawn uniformly from this range (28 = the source size).
    public var itemSides: ClosedRange<Int> = 20...40
    /// A pixel belongs to an item where the item's resampled intensity is above this (0...255).
    public var threshold: UInt8 = 25
    /// Seed of the composition (items, sides, positions); mosaic `i` depends only on (seed, i).
    public var seed: UInt64 = 0

    /// The defaults above.
    public init() {}
}

extension Ingest {
    /// Name of the per-pixel label-map field of a mosaic store.
    public static let segmentationField = "segmentation"

    /// Fashion-MNIST mosaics: `options.size`² grayscale images, each composed of 2–4 Fashion-MNIST
    /// items of the same split, with a per-pixel label map (`segmentation`: 0 background, 1 + class
    /// of the item covering the pixel).
    ///
    /// Mosaic `i` draws from `Philox(seed, [i])`: the item count k, then per item a source image
    /// (uniform over the split), a side s (uniform in `itemSides`), and a top-left position
    /// (uniform so that the item lies inside the mosaic). Each item is resampled bilinearly from
    /// 28² to s² (pixel centres aligned, as `align_corners=False`). Items are drawn in order; item
    /// j covers the pixels where its resampled intensity is above `threshold`: there it sets the
    /// image to its intensity and the label map to its class + 1 (later items occlude earlier ones);
    /// elsewhere in its square the image keeps the brighter of the two (a faint edge does not
    /// erase what is below it) and the label map is unchanged. The sample label (the label column)
    /// is the class with the most labelled pixels (ties: the smaller class id). Sample ids are the
    /// mosaic indices; the write order is shuffled by `shuffleSeed`.
    @discardableResult
    public static func fashionMNISTMosaic(
        dir: String, split: String, options: MosaicOptions, out: String,
        shuffleSeed: UInt64? = 0
    ) throws -> StoreSummary {
        guard options.count >= 1 else { throw StoreError.invalidArgument("mosaic: count must be >= 1, got \(options.count)") }
        guard options.items.lowerBound >= 1 else { throw StoreError.invalidArgument("mosaic: items must be >= 1, got \(options.items)") }
        guard options.itemSides.lowerBound >= 1, options.itemSides.upperBound <= options.size else {
            throw StoreError.invalidArgument("mosaic: item sides \(options.itemSides) must lie in 1...\(options.size)")
        }
        let idx = try readIDX(dir: dir, split: split)
        let schema = StoreSchema(
            fields: [
                FieldSpec(name: "image", kind: .image, imageCodec: .raw),
                FieldSpec(name: segmentationField, kind: .image, imageCodec: .raw),
            ],
            hasLabels: true, classNames: fashionMNISTClasses,
            source: "fashion-mnist-mosaic \(split): \(options.count) mosaics of \(options.size)x\(options.size), "
                + "\(options.items) items of side \(options.itemSides), threshold \(options.threshold), seed \(options.seed); \(idx.source)",
            shuffleSeed: shuffleSeed)
        return try StoreWriter.write(to: out, schema: schema) { w in
            for i in permutation(options.count, seed: shuffleSeed) {
                let m = mosaic(i, from: idx, options: options)
                try w.append(
                    StoreSample(
                        id: UInt64(i), label: Int32(m.label),
                        values: [
                            .image(RawImage(height: options.size, width: options.size, channels: 1, pixels: m.image)),
                            .image(RawImage(height: options.size, width: options.size, channels: 1, pixels: m.labels)),
                        ]))
            }
        }
    }

    /// Mosaic `index`: pixels, label map (0 background, 1 + class) and the majority class.
    public static func mosaic(_ index: Int, from idx: IDXImages, options: MosaicOptions) -> (image: [UInt8], labels: [UInt8], label: Int) {
        let n = options.size
        var rng = Philox(seed: options.seed, keys: [UInt64(index)])
        var image = [UInt8](repeating: 0, count: n * n)
        var labels = [UInt8](repeating: 0, count: n * n)
        let k = options.items.lowerBound + rng.nextInt(below: options.items.count)
        for _ in 0..<k {
            let source = rng.nextInt(below: idx.count)
            let side = options.itemSides.lowerBound + rng.nextInt(below: options.itemSides.count)
            let top = rng.nextInt(below: n - side + 1)
            let left = rng.nextInt(below: n - side + 1)
            let item = resampleBilinear(idx.image(source), height: idx.rows, width: idx.cols, to: side)
            let cls = UInt8(idx.labels[source]) + 1
            for r in 0..<side {
                for c in 0..<side {
                    let v = item[r * side + c]
                    let p = (top + r) * n + left + c
                    if v > options.threshold {
                        image[p] = v
                        labels[p] = cls
                    } else {
                        image[p] = max(image[p], v)
                    }
                }
            }
        }
        var counts = [Int](repeating: 0, count: 11)
        for l in labels { counts[Int(l)] += 1 }
        let best = (1...10).max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }!
        return (image, labels, best - 1)
    }

    /// `pixels` (`height × width`, one channel) resampled bilinearly to `side × side`, pixel centres
    /// aligned (source coordinate `(x + ½)·width/side − ½`, clamped to the image), rounded.
    static func resampleBilinear(_ pixels: [UInt8], height: Int, width: Int, to side: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: side * side)
        func coordinate(_ x: Int, _ size: Int) -> (Int, Int, Float) {
            let s = min(max((Float(x) + 0.5) * Float(size) / Float(side) - 0.5, 0), Float(size - 1))
            let lo = Int(s.rounded(.down))
            let hi = min(lo + 1, size - 1)
            return (lo, hi, s - Float(lo))
        }
        for r in 0..<side {
            let (r0, r1, fr) = coordinate(r, height)
            for c in 0..<side {
                let (c0, c1, fc) = coordinate(c, width)
                let top = Float(pixels[r0 * width + c0]) * (1 - fc) + Float(pixels[r0 * width + c1]) * fc
                let bottom = Float(pixels[r1 * width + c0]) * (1 - fc) + Float(pixels[r1 * width + c1]) * fc
                out[r * side + c] = UInt8(min(max((top * (1 - fr) + bottom * fr).rounded(), 0), 255))
            }
        }
        return out
    }
}
