import DataStore
import Foundation
import XCTest

final class IngestTests: XCTestCase {
    func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }

    func testIdxGzipRoundTripWithShuffle() throws {
        let dir = StoreFixtures.tempDir()
        let n = 7
        var images = be32(0x803) + be32(n) + be32(3) + be32(4)
        for k in 0..<n { images += (0..<12).map { UInt8(k * 12 + $0) } }
        let labels = be32(0x801) + be32(n) + (0..<n).map { UInt8($0 % 10) }
        try Data(images).write(to: URL(fileURLWithPath: dir + "/train-images-idx3-ubyte"))
        try Data(labels).write(to: URL(fileURLWithPath: dir + "/train-labels-idx1-ubyte"))
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = [dir + "/train-images-idx3-ubyte"]
        try gz.run()
        gz.waitUntilExit()
        try Ingest.mnist(dir: dir, split: "train", fashion: true, out: dir + "/f.rstore", shuffleSeed: 5)
        let r = try StoreReader(path: dir + "/f.rstore")
        XCTAssertEqual(r.count, n)
        XCTAssertEqual(r.schema.shuffleSeed, 5)
        XCTAssertEqual(r.schema.classNames.count, 10)
        let ids = (0..<n).map { Int(r.sampleID($0)) }
        XCTAssertEqual(Set(ids), Set(0..<n))
        XCTAssertNotEqual(ids, Array(0..<n))
        let dec = ImageDecoder()
        for i in 0..<n {
            let id = ids[i]
            XCTAssertEqual(r.label(i), Int32(id % 10))
            XCTAssertEqual(try dec.image(r, sample: i, field: 0).pixels, (0..<12).map { UInt8(id * 12 + $0) })
        }
        XCTAssertThrowsError(try Ingest.mnist(dir: dir, split: "test", fashion: true, out: dir + "/t.rstore"))
        // Same input and seed: byte-identical files; another seed: a different permutation.
        try Ingest.mnist(dir: dir, split: "train", fashion: true, out: dir + "/f2.rstore", shuffleSeed: 5)
        try Ingest.mnist(dir: dir, split: "train", fashion: true, out: dir + "/f3.rstore", shuffleSeed: 6)
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/f.rstore"))
        XCTAssertEqual(a, try Data(contentsOf: URL(fileURLWithPath: dir + "/f2.rstore")))
        XCTAssertNotEqual(a, try Data(contentsOf: URL(fileURLWithPath: dir + "/f3.rstore")))
    }

    func testCifar10And100() throws {
        let dir = StoreFixtures.tempDir()
        var b10: [UInt8] = []
        var b100: [UInt8] = []
        for k in 0..<3 {
            let chw = (0..<3072).map { UInt8(($0 + k) % 251) }
            b10 += [UInt8(k + 1)] + chw
            b100 += [UInt8(k), UInt8(50 + k)] + chw
        }
        try Data(b10).write(to: URL(fileURLWithPath: dir + "/data_batch_1.bin"))
        try Data(b100).write(to: URL(fileURLWithPath: dir + "/train.bin"))
        try Ingest.cifar(batches: [dir + "/data_batch_1.bin"], hundred: false, out: dir + "/c10.rstore", shuffleSeed: nil)
        try Ingest.cifar(batches: [dir + "/train.bin"], hundred: true, out: dir + "/c100.rstore")
        let r = try StoreReader(path: dir + "/c10.rstore")
        XCTAssertEqual(r.label(2), 3)
        let img = try ImageDecoder().image(r, sample: 1, field: 0)
        XCTAssertEqual([img.height, img.width, img.channels], [32, 32, 3])
        // HWC pixel (y=0, x=1) channel 2 comes from CHW offset 2 * 1024 + 1.
        XCTAssertEqual(img.pixels[1 * 3 + 2], UInt8((2 * 1024 + 1 + 1) % 251))
        XCTAssertEqual(r.schema.classNames[3], "cat")
        let r100 = try StoreReader(path: dir + "/c100.rstore")
        for i in 0..<3 {
            let id = Int32(r100.sampleID(i))
            XCTAssertEqual(r100.label(i), 50 + id)
            XCTAssertEqual(try r100.int32s(sample: i, field: 1), [id])
        }
        try Data(b10.dropLast()).write(to: URL(fileURLWithPath: dir + "/bad.bin"))
        XCTAssertThrowsError(try Ingest.cifar(batches: [dir + "/bad.bin"], hundred: false, out: dir + "/x.rstore"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.rstore"))
    }

    func writeImages(_ dir: String) throws -> (RawImage, [UInt8], [UInt8]) {
        let img = RawImage(
            height: 12, width: 10, channels: 3,
            pixels: (0..<360).map { (i: Int) -> UInt8 in
                let x: Int = i / 3 % 10
                let c: Int = i % 3
                return UInt8(x * 20 + c * 5)
            })
        let jpg = try img.pixels.withUnsafeBufferPointer { try JPEGCodec().encode($0.baseAddress!, width: 10, height: 12, channels: 3, quality: 90) }
        let png = try img.pixels.withUnsafeBufferPointer { try PNGCodec.encode($0.baseAddress!, width: 10, height: 12, channels: 3) }
        return (img, jpg, png)
    }

    func testImageFolderAndCaptions() throws {
        let dir = StoreFixtures.tempDir()
        let (img, jpg, png) = try writeImages(dir)
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/set/cat", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/set/dog", withIntermediateDirectories: true)
        try Data(jpg).write(to: URL(fileURLWithPath: dir + "/set/cat/a.jpg"))
        try Data(png).write(to: URL(fileURLWithPath: dir + "/set/dog/b.png"))
        try Data(jpg).write(to: URL(fileURLWithPath: dir + "/set/dog/c.JPEG"))
        try Ingest.imageFolder(dir: dir + "/set", out: dir + "/f.rstore", shuffleSeed: nil)
        let r = try StoreReader(path: dir + "/f.rstore")
        XCTAssertEqual(r.schema.classNames, ["cat", "dog"])
        XCTAssertEqual((0..<3).map { r.label($0) }, [0, 1, 1])
        XCTAssertEqual(try r.imageInfo(sample: 1, field: 0)?.codec, .png)
        XCTAssertEqual(try ImageDecoder().image(r, sample: 1, field: 0), img)
        XCTAssertTrue(r.verify().isEmpty)
        try Ingest.imageFolder(dir: dir + "/set", out: dir + "/raw.rstore", policy: .raw)
        XCTAssertEqual(try StoreReader(path: dir + "/raw.rstore").imageInfo(sample: 0, field: 0)?.codec, .raw)

        try "set/cat/a.jpg\ta cat\nset/dog/b.png\ta dog, sitting\n".write(toFile: dir + "/list.tsv", atomically: true, encoding: .utf8)
        try Ingest.captions(list: dir + "/list.tsv", out: dir + "/cap.rstore", shuffleSeed: nil)
        let c = try StoreReader(path: dir + "/cap.rstore")
        XCTAssertEqual(try c.text(sample: 1, field: 1), "a dog, sitting")
        try "{\"image\": \"set/dog/b.png\", \"caption\": \"ünïcode\"}\n".write(toFile: dir + "/list.jsonl", atomically: true, encoding: .utf8)
        try Ingest.captions(list: dir + "/list.jsonl", out: dir + "/cap2.rstore")
        XCTAssertEqual(try StoreReader(path: dir + "/cap2.rstore").text(sample: 0, field: 1), "ünïcode")

        // A broken image names the file and nothing is written.
        try Data(jpg.prefix(40)).write(to: URL(fileURLWithPath: dir + "/set/cat/broken.jpg"))
        XCTAssertThrowsError(try Ingest.imageFolder(dir: dir + "/set", out: dir + "/g.rstore")) { e in
            XCTAssertTrue("\(e)".contains("broken.jpg"), "\(e)")
        }
        XCTAssertFalse(fm.fileExists(atPath: dir + "/g.rstore"))
    }
}
