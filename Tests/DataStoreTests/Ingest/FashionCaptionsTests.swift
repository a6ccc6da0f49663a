import DataStore
import Foundation
import XCTest

/// `FashionCaptioner` (attributes measured on the pixels) and `Ingest.fashionMNISTCaptions`.
final class FashionCaptionsTests: XCTestCase {
    /// A 28 × 28 image: a filled rectangle of rows `r0..<r1`, columns `c0..<c1` at intensity `v`,
    /// optionally with every other column darker (a texture).
    func image(_ r0: Int, _ r1: Int, _ c0: Int, _ c1: Int, _ v: UInt8, stripes: Bool = false) -> [UInt8] {
        var p = [UInt8](repeating: 0, count: 784)
        for r in r0..<r1 { for c in c0..<c1 { p[r * 28 + c] = stripes && c % 2 == 0 ? v / 2 : v } }
        return p
    }

    func testAttributesAreMeasuredOnThePixels() {
        typealias A = FashionCaptioner.Attribute
        // Bright, wide, tall, solid, balanced, plain.
        let big = FashionCaptioner.measure(image(0, 28, 0, 28, 250), height: 28, width: 28)
        XCTAssertEqual(big, [2, 2, 1, 2, 1, 0])
        // Dark, narrow, short.
        let small = FashionCaptioner.measure(image(10, 20, 10, 18, 100), height: 28, width: 28)
        XCTAssertEqual(small[A.brightness.rawValue], 0)
        XCTAssertEqual(small[A.width.rawValue], 0)
        XCTAssertEqual(small[A.height.rawValue], 0)
        // Stripes: textured or patterned; mass concentrated at the top: top-heavy.
        XCTAssertEqual(FashionCaptioner.measure(image(0, 28, 0, 28, 200, stripes: true), height: 28, width: 28)[A.texture.rawValue], 2)
        var top = image(0, 28, 0, 28, 40)
        for i in 0..<(10 * 28) { top[i] = 255 }
        XCTAssertEqual(FashionCaptioner.measure(top, height: 28, width: 28)[A.balance.rawValue], 2)
        // Sparse: a frame covers little of its bounding box.
        var frame = [UInt8](repeating: 0, count: 784)
        for i in 0..<28 {
            frame[i] = 200
            frame[27 * 28 + i] = 200
            frame[i * 28] = 200
            frame[i * 28 + 27] = 200
        }
        XCTAssertEqual(FashionCaptioner.measure(frame, height: 28, width: 28)[A.fill.rawValue], 0)
    }

    func testCaptionsAreDeterministicAndCarryClassAndAttributeWords() {
        let captioner = FashionCaptioner()
        let pixels = image(0, 28, 0, 28, 250)
        let levels = FashionCaptioner.measure(pixels, height: 28, width: 28)
        var templatesSeen = Set<String>()
        for index in 0..<200 as Range<UInt64> {
            let label = Int(index % 10)
            let caption = captioner.caption(pixels: pixels, height: 28, width: 28, index: index, label: label)
            XCTAssertEqual(caption, captioner.caption(index: index, label: label, levels: levels), "deterministic")
            let words = FashionCaptioner.words(of: caption)
            XCTAssertTrue(words.contains { FashionCaptioner.classWords[label].contains($0) }, "\(caption): no class word")
            // Every word is in the documented vocabulary; at least two measured attributes appear.
            for w in words { XCTAssertTrue(FashionCaptioner.vocabulary.contains(w), "\(caption): '\(w)' not in the vocabulary") }
            let attributeWords = FashionCaptioner.Attribute.allCases.filter { a in
                words.contains { a.levels[levels[a.rawValue]].contains($0) }
            }
            XCTAssertGreaterThanOrEqual(attributeWords.count, 2, caption)
            XCTAssertFalse(caption.contains("{"), caption)
            templatesSeen.insert(String(caption.prefix(6)))
        }
        XCTAssertGreaterThan(templatesSeen.count, 4, "templates vary with the index")
        XCTAssertEqual(FashionCaptioner.synonyms["pullover"]?.sorted(), ["jumper", "sweater"])
    }

    func writeIDX(_ dir: String, n: Int) throws {
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
        var images = be32(0x803) + be32(n) + be32(28) + be32(28)
        for k in 0..<n { images += image(k, 28, 0, 10 + k, UInt8(60 + 20 * k)) }
        try Data(images).write(to: URL(fileURLWithPath: dir + "/t10k-images-idx3-ubyte"))
        try Data(be32(0x801) + be32(n) + (0..<n).map { UInt8($0 % 10) }).write(to: URL(fileURLWithPath: dir + "/t10k-labels-idx1-ubyte"))
    }

    func testStoreHasImageCaptionAndLabel() throws {
        let dir = StoreFixtures.tempDir()
        try writeIDX(dir, n: 6)
        try Ingest.fashionMNISTCaptions(dir: dir, split: "test", out: dir + "/c.rstore")
        let r = try StoreReader(path: dir + "/c.rstore")
        XCTAssertEqual(r.count, 6)
        XCTAssertEqual(r.schema.fields.map(\.name), ["image", "caption"])
        let captioner = FashionCaptioner()
        for i in 0..<6 {
            let id = Int(r.sampleID(i))
            let pixels = try ImageDecoder().image(r, sample: i, field: 0).pixels
            XCTAssertEqual(r.label(i), Int32(id % 10))
            XCTAssertEqual(
                try r.text(sample: i, field: 1),
                captioner.caption(pixels: pixels, height: 28, width: 28, index: UInt64(id), label: id % 10))
        }
        // Own captions: line i + 1 for source image i.
        try (0..<6).map { "caption \($0)" }.joined(separator: "\n").write(toFile: dir + "/own.txt", atomically: true, encoding: .utf8)
        try Ingest.fashionMNISTCaptions(dir: dir, split: "test", out: dir + "/own.rstore", captionsFile: dir + "/own.txt")
        let own = try StoreReader(path: dir + "/own.rstore")
        for i in 0..<6 { XCTAssertEqual(try own.text(sample: i, field: 1), "caption \(own.sampleID(i))") }
    }

    func testCaptionFileErrorsNameTheLine() throws {
        let dir = StoreFixtures.tempDir()
        try writeIDX(dir, n: 4)
        func failure(_ text: String) -> String {
            try? text.write(toFile: dir + "/cap.txt", atomically: true, encoding: .utf8)
            do {
                try Ingest.fashionMNISTCaptions(dir: dir, split: "test", out: dir + "/x.rstore", captionsFile: dir + "/cap.txt")
                XCTFail("expected an error for \(text.debugDescription)")
                return ""
            } catch { return "\(error)" }
        }
        XCTAssertTrue(failure("a\nb\nc\n").contains("line 4: missing"))
        XCTAssertTrue(failure("a\nb\nc\nd\ne\n").contains("line 5: extra"))
        XCTAssertTrue(failure("a\n\nc\nd\n").contains("line 2: empty caption"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.rstore"))
        // The image+caption list rejects an empty caption too.
        try "{\"image\": \"x.png\", \"caption\": \" \"}\n".write(toFile: dir + "/list.jsonl", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Ingest.captions(list: dir + "/list.jsonl", out: dir + "/y.rstore")) { e in
            XCTAssertTrue("\(e)".contains("line 1: empty caption"), "\(e)")
        }
    }
}
