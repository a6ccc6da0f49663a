import DataStore
import XCTest

/// `LoaderConfig.positions`, `LoaderConfig.mix` and `Batch.texts`.
final class LoaderPositionsMixTextTests: XCTestCase {
    static var path: String { LoaderTests.path }  // 103 samples, 10x12 RGB, ids 5000 + k, labels k / 11

    func config(workers: Int, order: SampleOrder) -> LoaderConfig {
        var c = LoaderConfig(batchSize: 8, views: [ViewSpec.ssl(size: 8), ViewSpec.ssl(size: 6)])
        c.workers = workers
        c.order = order
        c.seed = 21
        return c
    }

    static let heldOut = Set(stride(from: 0, to: 103, by: 4))  // a validation split
    static let training = (0..<103).filter { !heldOut.contains($0) }.reversed().map { $0 }  // 77 positions, any order

    func testPositionsNeverYieldOthersAndCoverAllPerEpoch() throws {
        for order in [SampleOrder.sequential, .random, .quasiRandom(windowChunks: 3)] {
            var c = config(workers: 2, order: order)
            c.positions = Self.training
            let l = try Loader(path: Self.path, config: c)
            XCTAssertEqual(l.sampleCount, 77)
            XCTAssertEqual(l.stepsPerEpoch, 9)  // 77 / 8, last partial batch dropped
            for epoch in 0..<3 {
                let batches = try LoaderTests.all(l, epoch: epoch)
                XCTAssertEqual(batches.count, 9)
                let seen = batches.flatMap(\.indices)
                XCTAssertEqual(Set(seen).count, seen.count, "no repeats")
                XCTAssertTrue(Set(seen).isDisjoint(with: Self.heldOut), "\(order): a held-out sample was yielded")
                XCTAssertEqual(batches.flatMap(\.sampleIDs), seen.map { UInt64(5000 + $0) })
            }
            // Without dropping, one epoch covers every position (the padding wraps to the start of the order).
            c.dropLast = false
            let l2 = try Loader(path: Self.path, config: c)
            XCTAssertEqual(l2.stepsPerEpoch, 10)
            let seen = try LoaderTests.all(l2, epoch: 1).flatMap(\.indices)
            XCTAssertEqual(seen.count, 80)
            XCTAssertEqual(Set(seen), Set(Self.training))
            XCTAssertEqual(Set(l2.order(epoch: 1).map { Int($0) }), Set(Self.training))
            if order == .sequential { XCTAssertEqual(Array(seen.prefix(77)), Self.training.sorted()) }
        }
    }

    func testPositionsDeterministicWhateverTheWorkerCountAndResumable() throws {
        for order in [SampleOrder.sequential, .random, .quasiRandom(windowChunks: 2)] {
            var c1 = config(workers: 1, order: order)
            var c3 = config(workers: 3, order: order)
            c1.positions = Self.training
            c3.positions = Self.training.shuffled()  // a set: the order it is given in does not matter
            let l1 = try Loader(path: Self.path, config: c1)
            let l3 = try Loader(path: Self.path, config: c3)
            let a = try LoaderTests.all(l1, epoch: 2)
            let b = try LoaderTests.all(l3, epoch: 2)
            XCTAssertEqual(a.count, b.count)
            XCTAssertEqual(a.count, 9, "77 positions in batches of 8, the partial last one dropped")
            for (x, y) in zip(a, b) {
                XCTAssertEqual(x.indices, y.indices)
                XCTAssertEqual(x.views[0].pixels, y.views[0].pixels)
                XCTAssertEqual(x.views[1].params, y.views[1].params)
            }
            let tail = try LoaderTests.all(l3, epoch: 2, from: 4)
            XCTAssertEqual(tail.count, a.count - 4)
            XCTAssertEqual(tail[0].step, 4)
            XCTAssertEqual(tail.map(\.indices), a[4...].map(\.indices))
            XCTAssertEqual(tail[0].views[1].pixels, a[4].views[1].pixels)
            if order != .sequential { XCTAssertNotEqual(try LoaderTests.all(l1, epoch: 3).map(\.indices), a.map(\.indices)) }
            // Listing every position gives exactly the unrestricted order.
            var every = config(workers: 2, order: order)
            every.positions = Array((0..<103).reversed())
            XCTAssertEqual(
                try Loader(path: Self.path, config: every).order(epoch: 5),
                try Loader(path: Self.path, config: config(workers: 2, order: order)).order(epoch: 5))
        }
    }

    func testBadPositionsAreRejected() throws {
        for bad in [[], [0, 103], [-1], [3, 5, 3]] {
            var c = config(workers: 1, order: .random)
            c.positions = bad
            XCTAssertThrowsError(try Loader(path: Self.path, config: c), "\(bad)")
        }
    }

    func testSubstitutionStaysInsidePositions() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/bad.rstore"
        let img = StoreFixtures.image(1, h: 8, w: 8, c: 3)
        let png = try img.pixels.withUnsafeBufferPointer { try PNGCodec.encode($0.baseAddress!, width: 8, height: 8, channels: 3) }
        try StoreWriter.write(to: path, schema: StoreSchema(fields: [FieldSpec(name: "image", kind: .image, imageCodec: .png)])) { wr in
            for k in 0..<6 {
                let bytes = k == 2 ? Array(png.prefix(30)) : png
                try wr.append(
                    StoreSample(id: UInt64(k), label: Int32(k), values: [.encodedImage(codec: .png, bytes: bytes, height: 8, width: 8, channels: 3)]))
            }
        }
        var cfg = LoaderConfig(batchSize: 4, views: [ViewSpec(crop: .resize, outHeight: 4, outWidth: 4)])
        cfg.order = .sequential
        cfg.onDecodeError = .substitute
        cfg.positions = [5, 0, 2, 4]  // 1 and 3 are held out
        let it = try Loader(path: path, config: cfg).epoch(0)
        let b = try it.next()!
        XCTAssertEqual(b.indices, [0, 4, 4, 5])  // 2 fails; its replacement is the next position (4), not 3
        XCTAssertEqual(it.substitutions.map(\.sample), [2])
    }

    // MARK: - Mixing

    func mixConfig(workers: Int, mix: MixConfig?) -> LoaderConfig {
        var c = config(workers: workers, order: .quasiRandom(windowChunks: 3))
        c.views = [ViewSpec.ssl(size: 8), ViewSpec.ssl(size: 8), ViewSpec.ssl(size: 4)]
        c.mix = mix
        return c
    }

    func testMixIsDeterministicResumableAndMatchesBatchMix() throws {
        let mix = MixConfig(mixupAlpha: 0.4, cutmixAlpha: 1.0, probability: 0.8, switchProbability: 0.5)
        let plain = try Loader(path: Self.path, config: mixConfig(workers: 2, mix: nil))
        let m1 = try Loader(path: Self.path, config: mixConfig(workers: 1, mix: mix))
        let m3 = try Loader(path: Self.path, config: mixConfig(workers: 3, mix: mix))
        var kinds: [MixKind?] = []
        for epoch in 0..<4 {
            let p = try LoaderTests.all(plain, epoch: epoch)
            let a = try LoaderTests.all(m1, epoch: epoch)
            let b = try LoaderTests.all(m3, epoch: epoch)
            XCTAssertNil(p[0].mix)
            XCTAssertEqual(a.count, p.count)
            XCTAssertEqual(b.count, p.count)
            for (k, (x, y)) in zip(a, b).enumerated() {
                XCTAssertEqual(x.mix, y.mix)
                for v in 0..<3 { XCTAssertEqual(x.views[v].pixels, y.views[v].pixels) }
                XCTAssertEqual(x.indices, p[k].indices)
                XCTAssertEqual(x.labels, p[k].labels)
                kinds.append(x.mix?.kind)
                // The loader's batch = the unmixed batch with the step's draw applied to every view.
                let draw = BatchMix.draw(mix, batchSize: 8, height: 8, width: 8, seed: 21, epoch: epoch, step: k)
                XCTAssertEqual(draw, x.mix)
                for v in 0..<3 {
                    var expected = p[k].views[v]
                    if let d = draw { BatchMix.apply(d, to: &expected, boxSpace: (8, 8)) }
                    XCTAssertEqual(expected.pixels, x.views[v].pixels, "epoch \(epoch) step \(k) view \(v)")
                    XCTAssertEqual(x.views[v].params, p[k].views[v].params)
                }
                if let m = x.mix {
                    // Label-side parameters: lambda, partner (the batch rolled by one) and, for cutmix, the box.
                    XCTAssertEqual(m.partner, [7, 0, 1, 2, 3, 4, 5, 6])
                    XCTAssertTrue(m.lambda >= 0 && m.lambda <= 1)
                    if let box = m.box {
                        XCTAssertEqual(m.lambda, 1 - Float(box.2 * box.3) / 64, accuracy: 1e-6)
                        XCTAssertTrue(box.0 >= 0 && box.1 >= 0 && box.0 + box.2 <= 8 && box.1 + box.3 <= 8)
                    }
                    if m.lambda < 1 { XCTAssertNotEqual(x.views[0].pixels, p[k].views[0].pixels) }
                } else {
                    for v in 0..<3 { XCTAssertEqual(x.views[v].pixels, p[k].views[v].pixels) }
                }
            }
            // Resume mid-epoch: the same mixes and pixels.
            let tail = try LoaderTests.all(m3, epoch: epoch, from: 5)
            XCTAssertEqual(tail.map(\.mix), a[5...].map(\.mix))
            XCTAssertEqual(tail.map(\.views[2].pixels), a[5...].map(\.views[2].pixels))
        }
        XCTAssertTrue(kinds.contains(nil) && kinds.contains(.mixup) && kinds.contains(.cutmix), "\(kinds)")
        // Zero-copy access sees the mixed pixels and the parameters too.
        let ref = try LoaderTests.all(m1, epoch: 1)
        let it = try m3.epoch(1)
        var j = 0
        while let ok = try it.withNext({ (r: BatchBuffers) -> Bool in r.mix == ref[j].mix && Array(r.pixels[1]) == ref[j].views[1].pixels }) {
            XCTAssertTrue(ok)
            j += 1
        }
        XCTAssertEqual(j, ref.count)
    }

    func testMixKindsAndProbability() throws {
        for step in 0..<50 {
            XCTAssertEqual(BatchMix.draw(.mixup(alpha: 0.2), batchSize: 4, height: 8, width: 8, seed: 1, epoch: 0, step: step)?.kind, .mixup)
            XCTAssertEqual(BatchMix.draw(.cutmix(alpha: 1), batchSize: 4, height: 8, width: 8, seed: 1, epoch: 0, step: step)?.kind, .cutmix)
            XCTAssertNil(BatchMix.draw(.mixup(alpha: 0.2, probability: 0), batchSize: 4, height: 8, width: 8, seed: 1, epoch: 0, step: step))
            XCTAssertNil(BatchMix.draw(MixConfig(), batchSize: 4, height: 8, width: 8, seed: 1, epoch: 0, step: step))
        }
        let half = (0..<400).compactMap {
            BatchMix.draw(.mixup(alpha: 1, probability: 0.5), batchSize: 4, height: 8, width: 8, seed: 2, epoch: 1, step: $0)
        }
        XCTAssertEqual(Double(half.count) / 400, 0.5, accuracy: 0.1)
        let both = (0..<400).compactMap {
            BatchMix.draw(
                MixConfig(mixupAlpha: 1, cutmixAlpha: 1, switchProbability: 0.25), batchSize: 4, height: 8, width: 8, seed: 2, epoch: 1, step: $0)
        }
        XCTAssertEqual(both.count, 400)
        XCTAssertEqual(Double(both.filter { $0.kind == .cutmix }.count) / 400, 0.25, accuracy: 0.08)
        // Bad settings are rejected.
        var c = mixConfig(workers: 1, mix: MixConfig(mixupAlpha: 1, probability: 1.5))
        XCTAssertThrowsError(try Loader(path: Self.path, config: c))
        c.mix = MixConfig(mixupAlpha: -1)
        XCTAssertThrowsError(try Loader(path: Self.path, config: c))
    }

    func testApplyCutmixScalesTheBoxForOtherViewSizes() {
        let n = 3
        let params = MixParams(lambda: 0.75, partner: [2, 0, 1], box: (2, 0, 4, 4))  // in 8x8 pixels
        var small = ViewBatch(pixels: (0..<(n * 16)).map { Float($0 / 16) }, shape: [n, 1, 4, 4], params: [])
        BatchMix.apply(params, to: &small, boxSpace: (8, 8))
        // Box (1, 0, 2, 2) in 4x4: rows 1-2, columns 0-1 come from the partner.
        for i in 0..<n {
            for y in 0..<4 {
                for x in 0..<4 {
                    let inBox = (1...2).contains(y) && (0...1).contains(x)
                    XCTAssertEqual(small.pixels[i * 16 + y * 4 + x], Float(inBox ? params.partner[i] : i))
                }
            }
        }
        var mixed = ViewBatch(pixels: (0..<(n * 4)).map { Float($0 / 4) }, shape: [n, 1, 2, 2], params: [])
        BatchMix.apply(MixParams(lambda: 0.25, partner: [2, 0, 1], box: nil), to: &mixed)
        XCTAssertEqual(mixed.pixels[0], 0.25 * 0 + 0.75 * 2)
        XCTAssertEqual(mixed.pixels[4], 0.25 * 1 + 0.75 * 0)
    }

    // MARK: - Texts

    func testBatchesCarryTheStoreTextField() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/captions.rstore"
        try StoreFixtures.mixedStore(at: path, samples: 20)  // field "caption": "caption \(k) é", ids 1000 + k
        var c = LoaderConfig(batchSize: 4, views: [ViewSpec(crop: .resize, outHeight: 4, outWidth: 4)])
        c.order = .quasiRandom(windowChunks: 2)
        c.workers = 3
        c.positions = Array(0..<18)
        let batches = try LoaderTests.all(Loader(path: path, config: c), epoch: 1)
        XCTAssertEqual(batches.count, 4)
        for b in batches {
            XCTAssertEqual(b.texts, b.sampleIDs.map { "caption \($0 - 1000) é" })
        }
        // Reused batches and zero-copy access carry them too.
        let it = try Loader(path: path, config: c).epoch(1)
        var b = Batch()
        var k = 0
        while try it.next(into: &b) {
            XCTAssertEqual(b.texts, batches[k].texts)
            k += 1
        }
        let it2 = try Loader(path: path, config: c).epoch(1)
        let first = try it2.withNext { (r: BatchBuffers) -> [String]? in r.texts.map { Array($0) } }
        XCTAssertEqual(first ?? nil, batches[0].texts)
        // Explicit field name, turned off, wrong name, no text field.
        c.textField = "caption"
        XCTAssertEqual(try Loader(path: path, config: c).epoch(1).next()?.texts, batches[0].texts)
        c.loadTexts = false
        XCTAssertNil(try Loader(path: path, config: c).epoch(1).next()!.texts)
        c.loadTexts = true
        c.textField = "blob"
        XCTAssertThrowsError(try Loader(path: path, config: c))
        XCTAssertNil(try Loader(path: Self.path, config: config(workers: 1, order: .random)).epoch(0).next()!.texts)
    }
}
