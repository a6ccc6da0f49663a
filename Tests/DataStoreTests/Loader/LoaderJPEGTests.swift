import CTurboJPEG
import DataStore
import XCTest

final class LoaderJPEGTests: XCTestCase {
    /// A JPEG store read with and without DCT-scaled decoding: same parameters, close pixels,
    /// deterministic across worker counts.
    func testDCTScaledDecodeIsCloseAndDeterministic() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/j.rstore"
        let (h, w) = (96, 128)
        let schema = StoreSchema(fields: [FieldSpec(name: "image", kind: .image, imageCodec: .jpeg)], chunkBytes: 4096)
        let codec = JPEGCodec()
        try StoreWriter.write(to: path, schema: schema) { wr in
            for k in 0..<6 {
                let px: [UInt8] = (0..<(h * w * 3)).map { (i: Int) -> UInt8 in
                    let x: Int = (i / 3) % w
                    let y: Int = i / (3 * w)
                    let c: Int = i % 3
                    return UInt8((x * 2 + y + c * 40 + k * 10) % 256)
                }
                let jpg = try px.withUnsafeBufferPointer { try codec.encode($0.baseAddress!, width: w, height: h, channels: 3, quality: 95) }
                try wr.append(
                    StoreSample(id: UInt64(k), label: 0, values: [.encodedImage(codec: .jpeg, bytes: jpg, height: h, width: w, channels: 3)]))
            }
        }
        // Large crops to a small output: the DCT-scaled path is taken.
        var spec = ViewSpec(crop: .randomResized(scale: 0.9...1, ratio: 0.75...(4.0 / 3.0)), outHeight: 16, outWidth: 16)
        spec.flipProbability = 0.5
        var cfg = LoaderConfig(batchSize: 3, views: [spec])
        cfg.order = .sequential
        let scaled = try Loader(path: path, config: cfg).epoch(0).next()!
        cfg.workers = 1
        XCTAssertEqual(try Loader(path: path, config: cfg).epoch(0).next()!.views[0].pixels, scaled.views[0].pixels)
        cfg.jpegDCTScaling = false
        let full = try Loader(path: path, config: cfg).epoch(0).next()!
        XCTAssertEqual(full.views[0].params, scaled.views[0].params)
        XCTAssertEqual(full.views[0].pixels.count, scaled.views[0].pixels.count)
        XCTAssertFalse(full.views[0].pixels.isEmpty)
        let diff = zip(full.views[0].pixels, scaled.views[0].pixels).map { abs($0 - $1) }
        // Normalised with std 1 on [0, 1] values: mean error below 3/255.
        XCTAssertLessThan(diff.reduce(0, +) / Float(diff.count), 3 / 255)
        XCTAssertNotEqual(diff.max(), 0)  // the scaled path really ran
    }

    static func all(_ l: Loader, epoch: Int) throws -> [Batch] {
        let it = try l.epoch(epoch)
        var out: [Batch] = []
        while let b = try it.next() { out.append(b) }
        return out
    }

    /// The region-of-interest decode (only the views' footprint, widened by the crop margin) gives
    /// exactly the batches of the full decode: unscaled, DCT-scaled, one or several views, fancy or
    /// fast chroma upsampling.
    func testRegionDecodeGivesTheFullDecodeBatches() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/roi.rstore"
        let schema = StoreSchema(fields: [FieldSpec(name: "image", kind: .image, imageCodec: .jpeg)], chunkBytes: 8192)
        let sizes = [(75, 101), (96, 128), (64, 48), (33, 200)]
        try StoreWriter.write(to: path, schema: schema) { wr in
            for k in 0..<12 {
                let (h, w) = sizes[k % sizes.count]
                let jpg = JPEGRegionTests.jpeg(height: h, width: w, channels: 3, subsampling: k % 3 == 2 ? TJSAMP_444 : TJSAMP_420, seed: UInt64(k))
                try wr.append(
                    StoreSample(id: UInt64(k), label: 0, values: [.encodedImage(codec: .jpeg, bytes: jpg, height: h, width: w, channels: 3)]))
            }
        }
        var rrc = ViewSpec(crop: .randomResized(scale: 0.05...1, ratio: 0.75...(4.0 / 3.0)), outHeight: 20, outWidth: 20)
        rrc.flipProbability = 0.5
        let small = ViewSpec(crop: .randomResized(scale: 0.05...0.3, ratio: 0.5...2), outHeight: 8, outWidth: 12)
        for views in [[rrc], [rrc, small, ViewSpec.ssl(size: 16)]] {
            for (scaling, fast) in [(false, false), (true, false), (false, true), (true, true)] {
                var cfg = LoaderConfig(batchSize: 4, views: views)
                cfg.order = .sequential
                cfg.workers = 1
                cfg.seed = 7
                cfg.jpegDCTScaling = scaling
                cfg.jpegFastUpsample = fast
                cfg.jpegRegionDecode = false
                let fullLoader = try Loader(path: path, config: cfg)
                cfg.jpegRegionDecode = true
                let roiLoader = try Loader(path: path, config: cfg)
                // Several epochs: other boxes, and libjpeg's reused memory in other states.
                for epoch in 0..<4 {
                    let full = try Self.all(fullLoader, epoch: epoch)
                    let roi = try Self.all(roiLoader, epoch: epoch)
                    XCTAssertEqual(full.count, 3)
                    XCTAssertEqual(roi.count, full.count)
                    for (a, b) in zip(full, roi) {
                        for v in views.indices {
                            XCTAssertEqual(a.views[v].params, b.views[v].params)
                            XCTAssertEqual(
                                a.views[v].pixels, b.views[v].pixels, "views \(views.count), DCT scaling \(scaling), fast upsampling \(fast)")
                        }
                    }
                }
            }
        }
    }

    /// A JPEG cut short (no EOI) is decoded whole, so the region decode still reports it.
    func testTruncatedJPEGFailsWithRegionDecode() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/cut.rstore"
        let schema = StoreSchema(fields: [FieldSpec(name: "image", kind: .image, imageCodec: .jpeg)])
        let jpg = JPEGRegionTests.jpeg(height: 64, width: 64, channels: 3, subsampling: TJSAMP_420)
        try StoreWriter.write(to: path, schema: schema) { wr in
            for k in 0..<2 {
                let bytes = k == 1 ? Array(jpg.prefix(jpg.count * 2 / 3)) : jpg
                try wr.append(
                    StoreSample(id: UInt64(k), label: 0, values: [.encodedImage(codec: .jpeg, bytes: bytes, height: 64, width: 64, channels: 3)]))
            }
        }
        // A small crop near the top: the intact part of the file would be enough for it.
        var cfg = LoaderConfig(batchSize: 2, views: [ViewSpec(crop: .randomResized(scale: 0.01...0.02, ratio: 1...1), outHeight: 4, outWidth: 4)])
        cfg.order = .sequential
        XCTAssertThrowsError(try Loader(path: path, config: cfg).epoch(0).next()) { e in
            guard case .sampleDecode(_, let sample, _, _)? = e as? StoreError else { return XCTFail("\(e)") }
            XCTAssertEqual(sample, 1)
        }
    }

    func testDecodeErrorPolicy() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/bad.rstore"
        let img = StoreFixtures.image(1, h: 8, w: 8, c: 3)
        let png = try img.pixels.withUnsafeBufferPointer { try PNGCodec.encode($0.baseAddress!, width: 8, height: 8, channels: 3) }
        let schema = StoreSchema(fields: [FieldSpec(name: "image", kind: .image, imageCodec: .png)])
        try StoreWriter.write(to: path, schema: schema) { wr in
            for k in 0..<4 {
                let bytes = k == 2 ? Array(png.prefix(30)) : png
                try wr.append(
                    StoreSample(id: UInt64(k), label: Int32(k), values: [.encodedImage(codec: .png, bytes: bytes, height: 8, width: 8, channels: 3)]))
            }
        }
        var cfg = LoaderConfig(batchSize: 4, views: [ViewSpec(crop: .resize, outHeight: 4, outWidth: 4)])
        cfg.order = .sequential
        XCTAssertThrowsError(try Loader(path: path, config: cfg).epoch(0).next()) { e in
            guard case .sampleDecode(let file, let sample, let field, _)? = e as? StoreError else { return XCTFail("\(e)") }
            XCTAssertEqual(file, path)
            XCTAssertEqual(sample, 2)
            XCTAssertEqual(field, "image")
        }
        cfg.onDecodeError = .substitute
        let it = try Loader(path: path, config: cfg).epoch(0)
        let b = try it.next()!
        XCTAssertEqual(b.indices, [0, 1, 3, 3])
        XCTAssertEqual(it.substitutions.map(\.sample), [2])
    }
}
