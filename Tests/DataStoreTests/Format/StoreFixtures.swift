import DataStore
import Foundation
import TestSupport
import XCTest

/// Small stores for tests.
enum StoreFixtures {
    /// The path of a fresh directory under the system temp folder (left for the system to clean).
    static func tempDir() -> String {
        (try! TemporaryDirectory(prefix: "rstore-tests")).path
    }

    /// A deterministic gray or RGB image.
    static func image(_ k: Int, h: Int = 8, w: Int = 8, c: Int = 1) -> RawImage {
        RawImage(height: h, width: w, channels: c, pixels: (0..<(h * w * c)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ k &* 31 &+ ($0 / 5)) })
    }

    /// A store with raw images, int/float arrays, bytes and text; small chunks so there are many.
    @discardableResult
    static func mixedStore(at path: String, samples: Int = 12, chunkBytes: Int = 200) throws -> StoreSummary {
        let schema = StoreSchema(
            fields: [
                FieldSpec(name: "image", kind: .image, imageCodec: .raw),
                FieldSpec(name: "ints", kind: .int32Array),
                FieldSpec(name: "floats", kind: .float32Array),
                FieldSpec(name: "blob", kind: .bytes),
                FieldSpec(name: "caption", kind: .text),
            ], classNames: ["a", "b", "c"], source: "test", chunkBytes: chunkBytes)
        return try StoreWriter.write(to: path, schema: schema) { w in
            for k in 0..<samples {
                try w.append(
                    StoreSample(
                        id: UInt64(1000 + k), label: Int32(k % 3),
                        values: [
                            .image(image(k)), .ints([Int32(k), -Int32(k)]), .floats([Float(k) * 0.5]),
                            .bytes(Array(repeating: UInt8(k), count: k % 4)), .text("caption \(k) é"),
                        ]))
            }
        }
    }

    /// Every field of every sample, read back (throws on any problem).
    static func readAll(_ path: String) throws -> Int {
        let r = try StoreReader(path: path, cacheBytes: 1 << 20)
        let dec = ImageDecoder()
        var total = 0
        for i in 0..<r.count {
            for (f, spec) in r.schema.fields.enumerated() {
                if spec.kind == .image {
                    total += try dec.image(r, sample: i, field: f).pixels.count
                } else {
                    total += try r.bytes(sample: i, field: f).count
                }
            }
        }
        return total
    }
}
