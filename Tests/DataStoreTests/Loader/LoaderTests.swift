import DataStore
import XCTest

final class LoaderTests: XCTestCase {
    static let dir = StoreFixtures.tempDir()
    static let path: String = {
        let p = dir + "/loader.rstore"
        let schema = StoreSchema(fields: [FieldSpec(name: "image", kind: .image, imageCodec: .raw)], chunkBytes: 600)
        _ = try? StoreWriter.write(to: p, schema: schema) { w in
            for k in 0..<103 {
                try w.append(StoreSample(id: UInt64(5000 + k), label: Int32(k / 11), values: [.image(StoreFixtures.image(k, h: 10, w: 12, c: 3))]))
            }
        }
        return p
    }()

    func config(workers: Int, order: SampleOrder = .quasiRandom(windowChunks: 4)) -> LoaderConfig {
        var c = LoaderConfig(batchSize: 8, views: [ViewSpec.ssl(size: 8, blur: 0.5, solarize: 0.2), ViewSpec.ssl(size: 6)])
        c.workers = workers
        c.order = order
        c.seed = 9
        return c
    }

    /// Every batch of `epoch` from `step` on (LoaderPositionsMixTextTests uses it too).
    static func all(_ l: Loader, epoch: Int, from step: Int = 0) throws -> [Batch] {
        let it = try l.epoch(epoch, startingAt: step)
        var out: [Batch] = []
        while let b = try it.next() { out.append(b) }
        return out
    }

    func testDeterministicWhateverTheWorkerCount() throws {
        for order in [SampleOrder.sequential, .random, .quasiRandom(windowChunks: 3)] {
            let a = try Self.all(Loader(path: Self.path, config: config(workers: 1, order: order)), epoch: 2)
            let b = try Self.all(Loader(path: Self.path, config: config(workers: 3, order: order)), epoch: 2)
            XCTAssertEqual(a.count, 12)
            XCTAssertEqual(b.count, a.count)
            for (x, y) in zip(a, b) {
                XCTAssertEqual(x.sampleIDs, y.sampleIDs)
                XCTAssertEqual(x.views[0].pixels, y.views[0].pixels)
                XCTAssertEqual(x.views[1].pixels, y.views[1].pixels)
                XCTAssertEqual(x.views[1].params, y.views[1].params)
            }
            XCTAssertEqual(a[0].views[0].shape, [8, 3, 8, 8])
            XCTAssertEqual(a[0].views[1].shape, [8, 3, 6, 6])
        }
    }

    func testNextIntoReusesAndMatches() throws {
        let l = try Loader(path: Self.path, config: config(workers: 2))
        let ref = try Self.all(l, epoch: 3)
        let it = try l.epoch(3)
        var b = Batch()
        var k = 0
        while try it.next(into: &b) {
            XCTAssertEqual(b.step, k)
            XCTAssertEqual(b.views[1].pixels, ref[k].views[1].pixels)
            XCTAssertEqual(b.sampleIDs, ref[k].sampleIDs)
            k += 1
        }
        XCTAssertEqual(k, ref.count)
        // Zero-copy access sees the same data.
        let it2 = try l.epoch(3)
        var j = 0
        while let ok = try it2.withNext({ (r: BatchBuffers) -> Bool in
            Array(r.pixels[0]) == ref[j].views[0].pixels && Array(r.sampleIDs) == ref[j].sampleIDs && r.step == j
        }) {
            XCTAssertTrue(ok)
            j += 1
        }
        XCTAssertEqual(j, ref.count)
    }

    func testResumeMidEpochAndEpochsDiffer() throws {
        let l = try Loader(path: Self.path, config: config(workers: 2))
        let full = try Self.all(l, epoch: 1)
        let tail = try Self.all(l, epoch: 1, from: 5)
        XCTAssertEqual(tail.count, full.count - 5)
        XCTAssertEqual(tail[0].step, 5)
        XCTAssertEqual(tail[0].views[0].pixels, full[5].views[0].pixels)
        XCTAssertEqual(tail.last!.sampleIDs, full.last!.sampleIDs)
        XCTAssertNotEqual(try Self.all(l, epoch: 2)[0].sampleIDs, full[0].sampleIDs)
    }

    func testOrdersArePermutationsAndShardsDisjoint() throws {
        let store = try StoreReader(path: Self.path)
        for order in [SampleOrder.sequential, .random, .quasiRandom(windowChunks: 2)] {
            var c = config(workers: 1, order: order)
            c.dropLast = false
            c.batchSize = 103
            XCTAssertEqual(Set(try Loader(store: store, config: c).order(epoch: 0)), Set((0..<103).map(Int32.init)))
        }
        var seen: [Set<Int32>] = []
        for r in 0..<2 {
            var c = config(workers: 1)
            c.rank = r
            c.worldSize = 2
            let o = try Loader(store: store, config: c).order(epoch: 4)
            XCTAssertEqual(o.count, 48)  // 6 global batches of 16
            seen.append(Set(o))
        }
        XCTAssertTrue(seen[0].isDisjoint(with: seen[1]))
    }

    func testQuasiRandomIsClassMixedAndMemoryBounded() throws {
        var c = config(workers: 2, order: .quasiRandom(windowChunks: 3))
        c.batchSize = 10
        let l = try Loader(path: Self.path, config: c)
        let batches = try Self.all(l, epoch: 0)
        // Stored order is class-sorted (labels k / 11); the window mixes classes.
        let unique = batches.map { Set($0.labels).count }
        XCTAssertGreaterThan(Double(unique.reduce(0, +)) / Double(unique.count), 2.0)
        XCTAssertLessThanOrEqual(l.cachePeakBytes, (3 + 2 + 2) * 600)
    }

    func testReplayReproducesViews() throws {
        let l = try Loader(path: Self.path, config: config(workers: 2))
        let b = try Self.all(l, epoch: 0)[1]
        let store = try StoreReader(path: Self.path)
        let dec = ImageDecoder()
        let aug = Augmenter()
        let spec = l.config.views[0]
        for i in 0..<8 {
            let img = try dec.image(store, sample: b.indices[i], field: 0)
            var out = [Float](repeating: 0, count: 3 * 64)
            try img.pixels.withUnsafeBufferPointer { s in
                try out.withUnsafeMutableBufferPointer { o in
                    try aug.render(
                        src: s.baseAddress!, height: 10, width: 12, channels: 3, params: b.views[0].params[i],
                        mean: spec.mean, std: spec.std, into: o.baseAddress!)
                }
            }
            XCTAssertEqual(out, Array(b.views[0].pixels[(i * 192)..<((i + 1) * 192)]))
        }
        // The loader's replay hook uses recorded parameters instead of drawing.
        var c = config(workers: 2)
        let recorded = [b.views[0].params[0], b.views[1].params[0]]
        c.replay = { _, v, _ in recorded[v] }
        let r = try Self.all(Loader(path: Self.path, config: c), epoch: 0)[0]
        XCTAssertEqual(r.views[1].params[3], recorded[1])
        XCTAssertEqual(r.views[0].params[5], recorded[0])
        // Replayed parameters of the wrong output size are an error, not a buffer overrun.
        c.replay = { _, _, _ in recorded[0] }
        XCTAssertThrowsError(try Self.all(Loader(path: Self.path, config: c), epoch: 0))
    }

    func testCorruptChunkFailsTheEpochWithANamedError() throws {
        let p = Self.dir + "/bad-loader.rstore"
        var d = try Data(contentsOf: URL(fileURLWithPath: Self.path))
        let c5 = try StoreReader(path: Self.path).chunk(5)
        d[Int(c5.fileOffset) + 3] ^= 1
        try d.write(to: URL(fileURLWithPath: p))
        let l = try Loader(path: p, config: config(workers: 2))
        XCTAssertThrowsError(try Self.all(l, epoch: 0)) { e in
            XCTAssertEqual(e as? StoreError, .chunkChecksum(path: p, chunk: 5))
        }
    }
}
