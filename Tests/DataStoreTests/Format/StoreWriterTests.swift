import DataStore
import Foundation
import XCTest

final class StoreWriterTests: XCTestCase {
    func testRoundTripAllFieldKinds() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/a.rstore"
        let summary = try StoreFixtures.mixedStore(at: path)
        XCTAssertGreaterThan(summary.chunks, 5)
        let r = try StoreReader(path: path)
        XCTAssertEqual(r.count, 12)
        XCTAssertEqual(r.schema.classNames, ["a", "b", "c"])
        let dec = ImageDecoder()
        for k in 0..<12 {
            XCTAssertEqual(r.sampleID(k), UInt64(1000 + k))
            XCTAssertEqual(r.label(k), Int32(k % 3))
            XCTAssertEqual(try dec.image(r, sample: k, field: 0), StoreFixtures.image(k))
            XCTAssertEqual(try r.int32s(sample: k, field: 1), [Int32(k), -Int32(k)])
            XCTAssertEqual(try r.floats(sample: k, field: 2), [Float(k) * 0.5])
            XCTAssertEqual(try r.bytes(sample: k, field: 3), Array(repeating: UInt8(k), count: k % 4))
            XCTAssertEqual(try r.text(sample: k, field: 4), "caption \(k) é")
        }
        XCTAssertTrue(r.verify().isEmpty)
        XCTAssertEqual(r.stats().labelHistogram, [0: 4, 1: 4, 2: 4])
    }

    func testStoredJPEGAndPNG() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/j.rstore"
        let img = RawImage(
            height: 16, width: 24, channels: 3,
            pixels: (0..<(16 * 24 * 3)).map { (i: Int) -> UInt8 in
                let x: Int = i / 3 % 24
                let ch: Int = i % 3
                return UInt8(x * 8 + ch * 20)
            })
        let jpg = try img.pixels.withUnsafeBufferPointer { try JPEGCodec().encode($0.baseAddress!, width: 24, height: 16, channels: 3, quality: 95) }
        let png = try img.pixels.withUnsafeBufferPointer { try PNGCodec.encode($0.baseAddress!, width: 24, height: 16, channels: 3) }
        let schema = StoreSchema(fields: [FieldSpec(name: "image", kind: .image, imageCodec: .jpeg)])
        try StoreWriter.write(to: path, schema: schema) { w in
            try w.append(StoreSample(id: 0, label: 1, values: [.encodedImage(codec: .jpeg, bytes: jpg, height: 16, width: 24, channels: 3)]))
            try w.append(StoreSample(id: 1, label: 2, values: [.encodedImage(codec: .png, bytes: png, height: 16, width: 24, channels: 3)]))
        }
        let r = try StoreReader(path: path)
        let dec = ImageDecoder()
        XCTAssertEqual(try dec.image(r, sample: 1, field: 0), img)  // PNG is lossless
        let j = try dec.image(r, sample: 0, field: 0)
        let err = zip(j.pixels, img.pixels).map { abs(Int($0) - Int($1)) }.max()!
        XCTAssertLessThan(err, 40)
        XCTAssertTrue(r.verify().isEmpty)
    }

    func testByteReproducible() throws {
        let dir = StoreFixtures.tempDir()
        try StoreFixtures.mixedStore(at: dir + "/1.rstore")
        try StoreFixtures.mixedStore(at: dir + "/2.rstore")
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/1.rstore"))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/2.rstore"))
        XCTAssertEqual(a, b)
    }

    struct Boom: Error {}

    func testThrowMidWriteLeavesNothing() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/x.rstore"
        let schema = StoreSchema(fields: [FieldSpec(name: "image", kind: .image, imageCodec: .raw)], chunkBytes: 64)
        XCTAssertThrowsError(
            try StoreWriter.write(to: path, schema: schema) { w in
                for k in 0..<20 { try w.append(StoreSample(id: UInt64(k), values: [.image(StoreFixtures.image(k))])) }
                throw Boom()
            })
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".tmp"))
        // A writer abandoned mid-way (a crash before finish) leaves only the temp file, never the final name.
        let w = try StoreWriter(path: path, schema: schema)
        try w.append(StoreSample(id: 0, values: [.image(StoreFixtures.image(0))]))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + ".tmp"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        // The partial temp file is not a readable store.
        XCTAssertThrowsError(try StoreReader(path: path + ".tmp"))
        w.abort()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    func testRejectsMismatchedValues() throws {
        let dir = StoreFixtures.tempDir()
        let schema = StoreSchema(fields: [FieldSpec(name: "t", kind: .text)])
        XCTAssertThrowsError(
            try StoreWriter.write(to: dir + "/m.rstore", schema: schema) { w in
                try w.append(StoreSample(id: 0, values: [.ints([1])]))
            })
    }
}
