import DataStore
import Foundation
import Support
import XCTest

/// Fashion-MNIST mosaics: the label map agrees with the pixels, later items occlude earlier ones,
/// and a mosaic depends only on (seed, index).
final class MosaicTests: XCTestCase {
    /// Two flat source items: class 3 at intensity 200, class 5 at 100; with `border`, a faint
    /// (10) one-pixel border each.
    func flatItems(border: Bool = false) -> Ingest.IDXImages {
        var a = [UInt8](repeating: 200, count: 28 * 28)
        var b = [UInt8](repeating: 100, count: 28 * 28)
        if border {
            for i in 0..<28 {
                for j in [0, 27] {
                    a[i * 28 + j] = 10
                    a[j * 28 + i] = 10
                    b[i * 28 + j] = 10
                    b[j * 28 + i] = 10
                }
            }
        }
        return Ingest.IDXImages(pixels: a + b, labels: [3, 5], count: 2, rows: 28, cols: 28, source: "test")
    }

    func testLabelMapFollowsThresholdAndOcclusion() {
        var options = MosaicOptions()
        options.size = 40
        options.itemSides = 20...28
        for index in 0..<30 {
            let m = Ingest.mosaic(index, from: flatItems(), options: options)
            XCTAssertEqual(m.image.count, 1600)
            for p in m.image.indices {
                // A pixel is labelled exactly where it is above the threshold, and then it shows the
                // item of its label (the last one drawn there: occlusion).
                XCTAssertEqual(m.labels[p] != 0, m.image[p] > options.threshold, "mosaic \(index) pixel \(p)")
                if m.labels[p] == 4 { XCTAssertEqual(m.image[p], 200) }
                if m.labels[p] == 6 { XCTAssertEqual(m.image[p], 100) }
                XCTAssertTrue([0, 4, 6].contains(m.labels[p]))
            }
            let counts = [4, 6].map { l in m.labels.filter { $0 == l }.count }
            XCTAssertEqual(m.label, counts[0] >= counts[1] ? 3 : 5, "the majority class")
        }
        // Deterministic, and mosaic i does not depend on how many are made.
        var more = options
        more.count = 5
        XCTAssertEqual(Ingest.mosaic(7, from: flatItems(), options: options).image, Ingest.mosaic(7, from: flatItems(), options: more).image)
        var other = options
        other.seed = 1
        XCTAssertNotEqual(Ingest.mosaic(7, from: flatItems(), options: options).image, Ingest.mosaic(7, from: flatItems(), options: other).image)
    }

    func testOcclusionOfTwoOverlappingItems() {
        // Both items fill the whole 28 px mosaic: the second one drawn covers the first wherever it
        // is above the threshold (all but its faint border, where the first one shows through).
        var options = MosaicOptions()
        options.size = 28
        options.itemSides = 28...28
        options.items = 2...2
        let items = flatItems(border: true)  // at side 28 the resampling is the identity
        var lastClasses = Set<UInt8>()
        for index in 0..<10 {
            let m = Ingest.mosaic(index, from: items, options: options)
            // The documented draw order: k, then per item source, side, top, left.
            var rng = Philox(seed: options.seed, keys: [UInt64(index)])
            _ = rng.nextInt(below: 1)
            var last = 0
            for _ in 0..<2 {
                last = rng.nextInt(below: 2)
                _ = (rng.nextInt(below: 1), rng.nextInt(below: 1), rng.nextInt(below: 1))
            }
            let inner = 5 * 28 + 5
            let border = 0
            XCTAssertEqual(m.labels[inner], items.labels[last] + 1, "the item drawn last covers the pixel")
            lastClasses.insert(m.labels[inner])
            XCTAssertEqual(m.labels[border], 0, "both borders are faint")
            XCTAssertEqual(m.image[border], 10)
        }
        XCTAssertEqual(lastClasses, [4, 6], "either item may come last")
    }

    func testStoreFromFashionMNIST() throws {
        let dir = "/usr/share/datasets/fashion-mnist"
        guard FileManager.default.fileExists(atPath: dir) else { throw XCTSkip("no Fashion-MNIST at \(dir)") }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-\(getpid()).rstore").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var options = MosaicOptions()
        options.count = 24
        let summary = try Ingest.fashionMNISTMosaic(dir: dir, split: "test", options: options, out: out)
        XCTAssertEqual(summary.samples, 24)
        let reader = try StoreReader(path: out)
        XCTAssertEqual(reader.schema.fields.map(\.name), ["image", Ingest.segmentationField])
        XCTAssertEqual(reader.schema.classNames.count, 10)
        let idx = try Ingest.readIDX(dir: dir, split: "test")
        for i in 0..<reader.count {
            let id = Int(reader.sampleID(i))
            let m = Ingest.mosaic(id, from: idx, options: options)
            XCTAssertEqual(try reader.bytes(sample: i, field: 0), m.image)
            XCTAssertEqual(try reader.bytes(sample: i, field: 1), m.labels)
            XCTAssertEqual(Int(reader.label(i)), m.label)
            XCTAssertTrue(m.labels.contains { $0 != 0 } && m.labels.contains(0))
        }
        XCTAssertThrowsError(try Ingest.fashionMNISTMosaic(dir: dir, split: "val", options: options, out: out))
    }
}
