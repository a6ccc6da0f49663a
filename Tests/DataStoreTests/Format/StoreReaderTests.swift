import DataStore
import Foundation
import XCTest

final class StoreReaderTests: XCTestCase {
    /// Flips one bit at every byte offset of a small store: opening and reading everything must
    /// fail with a StoreError every time (zero silent corruption).
    func testEveryBitFlipIsReported() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/c.rstore"
        try StoreFixtures.mixedStore(at: path, samples: 6, chunkBytes: 150)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let bad = dir + "/bad.rstore"
        var silent: [Int] = []
        for offset in 0..<original.count {
            var d = original
            d[offset] ^= UInt8(1 << (offset % 8))
            try d.write(to: URL(fileURLWithPath: bad))
            do {
                _ = try StoreFixtures.readAll(bad)
                silent.append(offset)
            } catch is StoreError {} catch {
                XCTFail("offset \(offset): untyped error \(error)")
            }
        }
        XCTAssertEqual(silent, [], "bit flips read back without an error at \(silent.count) offsets")
        // Every bit of the header's fixed part and of the footer (where the lengths and counts live).
        for offset in Array(0..<24) + Array((original.count - 72)..<original.count) {
            for bit in 0..<8 {
                var d = original
                d[offset] ^= UInt8(1 << bit)
                try d.write(to: URL(fileURLWithPath: bad))
                XCTAssertThrowsError(try StoreFixtures.readAll(bad), "offset \(offset) bit \(bit)")
            }
        }
    }

    func testEveryTruncationIsReported() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/t.rstore"
        try StoreFixtures.mixedStore(at: path, samples: 6, chunkBytes: 150)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let bad = dir + "/cut.rstore"
        for n in 0..<original.count {
            try original.prefix(n).write(to: URL(fileURLWithPath: bad))
            XCTAssertThrowsError(try StoreReader(path: bad), "length \(n)") { e in
                XCTAssertTrue(e is StoreError)
            }
        }
        // An appended byte is detected too.
        try (original + [0]).write(to: URL(fileURLWithPath: bad))
        XCTAssertThrowsError(try StoreReader(path: bad))
    }

    func testErrorsNameFileAndChunk() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/n.rstore"
        try StoreFixtures.mixedStore(at: path)
        var d = try Data(contentsOf: URL(fileURLWithPath: path))
        let r0 = try StoreReader(path: path)
        let c = r0.chunk(2)
        d[Int(c.fileOffset) + 1] ^= 0x10
        try d.write(to: URL(fileURLWithPath: path))
        let r = try StoreReader(path: path)  // the index is intact: open succeeds
        let problems = r.verify()
        XCTAssertEqual(problems.first, .chunkChecksum(path: path, chunk: 2))
        XCTAssertTrue(problems.first!.description.contains(path))
        d[0] = 0x41
        try d.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try StoreReader(path: path)) { XCTAssertEqual($0 as? StoreError, .badMagic(path: path)) }
    }

    func testWrongVersion() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/v.rstore"
        try StoreFixtures.mixedStore(at: path)
        var d = try Data(contentsOf: URL(fileURLWithPath: path))
        d[8] = 9
        try d.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try StoreReader(path: path)) { XCTAssertEqual($0 as? StoreError, .unsupportedVersion(path: path, found: 9)) }
    }

    func testUndecodableJPEGIsNamed() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/j.rstore"
        let schema = StoreSchema(fields: [FieldSpec(name: "image", kind: .image, imageCodec: .jpeg)])
        try StoreWriter.write(to: path, schema: schema) { w in
            try w.append(StoreSample(id: 0, values: [.encodedImage(codec: .jpeg, bytes: [0xFF, 0xD8, 1, 2, 3], height: 4, width: 4, channels: 3)]))
        }
        let r = try StoreReader(path: path)
        let p = r.verify()
        XCTAssertEqual(p.count, 1)
        if case .sampleDecode(let file, let sample, let field, _)? = p.first {
            XCTAssertEqual(file, path)
            XCTAssertEqual(sample, 0)
            XCTAssertEqual(field, "image")
        } else {
            XCTFail("expected sampleDecode, got \(p)")
        }
    }
}
