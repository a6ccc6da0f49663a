import DataStore
import Foundation
import Support

/// `retort-bench store`: the data store and loader, as ratios to codec limits measured in the same run.
/// Options: --quick (smaller sets), --micro (per-op render costs), --micro-only (only those), --export DIR (write the CIFAR-like pixels and the JPEGs for
/// Benchmarks/torch_loader.py), --workers N (default 2).
enum StoreBench {
    static func run(_ args: [String]) throws {
        func opt(_ name: String) -> String? { args.firstIndex(of: name).flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil } }
        let quick = args.contains("--quick")
        let workers = Int(opt("--workers") ?? "2") ?? 2
        let dir = NSTemporaryDirectory() + "retort-store-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let export = opt("--export")
        print("workers \(workers); machine cores \(ProcessInfo.processInfo.activeProcessorCount)")
        var rows: [(String, String)] = []

        // 0. Per-view render costs on a 32 px RGB image (--micro).
        if args.contains("--micro") || args.contains("--micro-only") {
            let spec = ViewSpec.ssl(size: 32)
            let aug = Augmenter()
            let img = synthImage(3, h: 32, w: 32, c: 3)
            let out = UnsafeMutablePointer<Float>.allocate(capacity: 3072)
            var params: [ViewParams] = []
            let t0 = LoaderBench.cpuTime()
            for i in 0..<20000 { params.append(spec.draw(seed: 1, epoch: 0, sampleID: UInt64(i), view: 0, srcHeight: 32, srcWidth: 32)) }
            let t1 = LoaderBench.cpuTime()
            try img.withUnsafeBufferPointer { s in
                for p in params {
                    try aug.render(src: s.baseAddress!, height: 32, width: 32, channels: 3, params: p, mean: [0.5], std: [0.25], into: out)
                }
            }
            let t2 = LoaderBench.cpuTime()
            var geo: [ViewParams] = params.map {
                var q = $0
                q.jittered = false
                q.grayscale = false
                return q
            }
            try img.withUnsafeBufferPointer { s in
                for p in geo {
                    try aug.render(src: s.baseAddress!, height: 32, width: 32, channels: 3, params: p, mean: [0.5], std: [0.25], into: out)
                }
            }
            let t3 = LoaderBench.cpuTime()
            geo = []
            let base = ViewParams(srcHeight: 32, srcWidth: 32, top: 2, left: 3, height: 20, width: 25, flipped: true, outHeight: 32, outWidth: 32)
            func jittered(brightness: Float = 1, contrast: Float = 1, saturation: Float = 1, hue: Float = 0) -> ViewParams {
                var q = base
                (q.jittered, q.brightness, q.contrast, q.saturation, q.hue) = (true, brightness, contrast, saturation, hue)
                return q
            }
            var gray = base
            gray.grayscale = true
            let variants: [(String, ViewParams)] = [
                ("geometry", base), ("brightness", jittered(brightness: 1.2)), ("contrast", jittered(contrast: 1.2)),
                ("saturation", jittered(saturation: 1.2)), ("hue", jittered(hue: 0.05)), ("grayscale", gray),
                ("all4", jittered(brightness: 1.2, contrast: 0.8, saturation: 1.2, hue: 0.05)),
            ]
            for (name, q) in variants {
                let a = LoaderBench.cpuTime()
                try img.withUnsafeBufferPointer { s in
                    for _ in 0..<20000 {
                        try aug.render(src: s.baseAddress!, height: 32, width: 32, channels: 3, params: q, mean: [0.5], std: [0.25], into: out)
                    }
                }
                print(String(format: "  micro %@: %.2f us", name, (LoaderBench.cpuTime() - a) / 20000 * 1e6))
            }
            print(
                String(
                    format: "micro 32px view: draw %.2f us, render %.2f us (geometry only %.2f us)", (t1 - t0) / 20000 * 1e6, (t2 - t1) / 20000 * 1e6,
                    (t3 - t2) / 20000 * 1e6))
            out.deallocate()
            if args.contains("--micro-only") { return }
        }
        // 1. Fashion-MNIST (or a synthetic stand-in).
        let fmDir = "/usr/share/datasets/fashion-mnist"
        let fm = dir + "/fm.rstore"
        if FileManager.default.fileExists(atPath: fmDir + "/train-images-idx3-ubyte.gz") {
            try Ingest.mnist(dir: fmDir, split: "train", fashion: true, out: fm)
        } else {
            print("Fashion-MNIST not found in \(fmDir): using synthetic 28x28 images")
            try synthStore(fm, n: 60_000, h: 28, w: 28, c: 1)
        }
        rows += try sslRows(fm, name: "Fashion-MNIST 28x28x1", size: 28, workers: workers, batches: quick ? 40 : 200)

        // 2. CIFAR-sized images, synthesised (no CIFAR file ships with the machine).
        let cf = dir + "/cifarlike.rstore"
        let pixels = try synthStore(cf, n: quick ? 10_000 : 50_000, h: 32, w: 32, c: 3)
        print("CIFAR-like store: synthetic 3x32x32 images (colourised, upscaled Fashion-MNIST-like shapes + noise)")
        if let export { try Data(pixels).write(to: URL(fileURLWithPath: export + "/cifarlike-32x32x3.u8")) }
        rows += try sslRows(cf, name: "CIFAR-like 32x32x3", size: 32, workers: workers, batches: quick ? 40 : 150)

        // 3. JPEG -> RRC 224 vs single-pass decode of the same files.
        rows += try jpegRows(dir, n: quick ? 128 : 384, workers: workers, export: export)

        // 4. Opening a 1M-sample store.
        rows += try openRows(dir, n: 1_000_000)

        print("\n| measurement | value |\n|---|---|")
        for (k, v) in rows { print("| \(k) | \(v) |") }
    }

    /// Writes `n` synthetic images (smooth shapes, colour tint, noise) and returns their HWC pixels.
    @discardableResult
    static func synthStore(_ path: String, n: Int, h: Int, w: Int, c: Int) throws -> [UInt8] {
        var all = [UInt8](repeating: 0, count: n * h * w * c)
        let schema = StoreSchema(
            fields: [FieldSpec(name: "image", kind: .image, imageCodec: .raw)], classNames: (0..<10).map(String.init),
            source: "synthetic \(h)x\(w)x\(c)")
        try StoreWriter.write(to: path, schema: schema) { wr in
            for i in 0..<n {
                let img = synthImage(i, h: h, w: w, c: c)
                for k in 0..<img.count { all[i * img.count + k] = img[k] }
                try wr.append(
                    StoreSample(id: UInt64(i), label: Int32(i % 10), values: [.image(RawImage(height: h, width: w, channels: c, pixels: img))]))
            }
        }
        return all
    }

    static func synthImage(_ i: Int, h: Int, w: Int, c: Int) -> [UInt8] {
        var rng = Philox(seed: 77, stream: UInt64(i))
        let cy = rng.nextUniform(in: 0.3, 0.7) * Float(h)
        let cx = rng.nextUniform(in: 0.3, 0.7) * Float(w)
        let ry = rng.nextUniform(in: 0.15, 0.4) * Float(h)
        let rx = rng.nextUniform(in: 0.15, 0.4) * Float(w)
        let fg = (0..<3).map { _ in rng.nextUniform(in: 60, 255) }
        let bg = (0..<3).map { _ in rng.nextUniform(in: 0, 120) }
        var out = [UInt8](repeating: 0, count: h * w * c)
        for y in 0..<h {
            for x in 0..<w {
                let dy = (Float(y) - cy) / ry
                let dx = (Float(x) - cx) / rx
                let t = max(0, min(1, 1.5 - (dy * dy + dx * dx).squareRoot()))
                let shade = 0.75 + 0.25 * Float(x) / Float(w)
                for ch in 0..<c {
                    let v = (t * fg[ch] + (1 - t) * bg[ch]) * shade + rng.nextUniform(in: -12, 12)
                    out[(y * w + x) * c + ch] = UInt8(max(0, min(255, v)))
                }
            }
        }
        return out
    }

    static func sslRows(_ path: String, name: String, size: Int, workers: Int, batches: Int) throws -> [(String, String)] {
        let store = try StoreReader(path: path, cacheBytes: 0)
        let dc0 = LoaderBench.cpuTime()
        let dt0 = DispatchTime.now().uptimeNanoseconds
        let d = try LoaderBench.decodeRate(store, field: 0)
        let dCPU = d.samplesPerSecond * (Double(DispatchTime.now().uptimeNanoseconds - dt0) / 1e9) / (LoaderBench.cpuTime() - dc0)
        var cfg = LoaderConfig(batchSize: 256, views: [ViewSpec.ssl(size: size), ViewSpec.ssl(size: size)])
        cfg.workers = workers
        cfg.order = .quasiRandom(windowChunks: 16)
        let loader = try Loader(path: path, config: cfg)
        let r = try LoaderBench.measure(loader, maxBatches: min(batches, loader.stepsPerEpoch - 2), zeroCopy: true)
        var pad = cfg
        pad.views = [ViewSpec(crop: .padRandom(padding: 4), outHeight: size, outWidth: size).with { $0.flipProbability = 0.5 }]
        let rp = try LoaderBench.measure(Loader(path: path, config: pad), maxBatches: min(batches, loader.stepsPerEpoch - 2))
        let budget = (16 + workers + 4) * store.schema.chunkBytes
        print(
            String(
                format:
                    "%@: raw zstd decode D = %.0f MB/s = %.0f img/s (1 thread); two-view SSL %.0f img/s (%.3f D, %.3f of %d-thread D); pad-crop+flip %.0f img/s; cache peak %d B (window budget %d B)",
                name, d.bytesPerSecond / 1e6, d.samplesPerSecond, r.imagesPerSecond, r.imagesPerSecond / d.samplesPerSecond,
                r.imagesPerSecond / (d.samplesPerSecond * Double(workers)), workers, rp.imagesPerSecond, loader.cachePeakBytes, budget))
        return [
            ("\(name): raw zstd chunk decode D (1 thread)", String(format: "%.0f MB/s = %.0f img/s", d.bytesPerSecond / 1e6, d.samplesPerSecond)),
            (
                "\(name): two-view SSL (RRC, flip, jitter p0.8, gray p0.2), \(workers) workers, zero-copy",
                String(
                    format: "%.0f img/s = %.3f D (%.3f × %d-thread D); per CPU-s %.0f = %.3f × D per CPU-s", r.imagesPerSecond,
                    r.imagesPerSecond / d.samplesPerSecond, r.imagesPerSecond / (d.samplesPerSecond * Double(workers)), workers, r.imagesPerCPUSecond,
                    r.imagesPerCPUSecond / dCPU)
            ),
            ("\(name): pad 4 + crop + flip, \(workers) workers", String(format: "%.0f img/s", rp.imagesPerSecond)),
            ("\(name): decoded-chunk cache peak (quasi-random, window 16)", "\(loader.cachePeakBytes) B ≤ budget \(budget) B"),
        ]
    }

    static func jpegRows(_ dir: String, n: Int, workers: Int, export: String?) throws -> [(String, String)] {
        let (h, w) = (375, 500)
        let codec = JPEGCodec()
        var files: [[UInt8]] = []
        for i in 0..<n {
            let small = synthImage(i, h: 94, w: 125, c: 3)
            // 4x nearest upscale plus fine noise: photo-like JPEG sizes at q90.
            var rng = Philox(seed: 5, stream: UInt64(i))
            var big = [UInt8](repeating: 0, count: h * w * 3)
            for y in 0..<h {
                for x in 0..<w {
                    for c in 0..<3 {
                        let v = Float(small[((y / 4) * 125 + x / 4) * 3 + c]) + rng.nextUniform(in: -10, 10)
                        big[(y * w + x) * 3 + c] = UInt8(max(0, min(255, v)))
                    }
                }
            }
            files.append(try big.withUnsafeBufferPointer { try codec.encode($0.baseAddress!, width: w, height: h, channels: 3, quality: 90) })
        }
        if let export {
            try FileManager.default.createDirectory(atPath: export + "/jpeg/0", withIntermediateDirectories: true)
            for (i, f) in files.enumerated() { try Data(f).write(to: URL(fileURLWithPath: export + "/jpeg/0/\(i).jpg")) }
        }
        let avg = files.reduce(0) { $0 + $1.count } / n
        let path = dir + "/jpeg.rstore"
        let schema = StoreSchema(fields: [FieldSpec(name: "image", kind: .image, imageCodec: .jpeg)], source: "synthetic JPEG \(w)x\(h) q90")
        try StoreWriter.write(to: path, schema: schema) { wr in
            for (i, f) in files.enumerated() {
                try wr.append(StoreSample(id: UInt64(i), label: 0, values: [.encodedImage(codec: .jpeg, bytes: f, height: h, width: w, channels: 3)]))
            }
        }
        // Single-pass full decode of the same files, `workers` threads.
        let shared = files
        let t0 = DispatchTime.now().uptimeNanoseconds
        let c0 = LoaderBench.cpuTime()
        let rounds = 3
        // Dedicated threads, like the loader's workers.
        let group = DispatchGroup()
        for t in 0..<workers {
            group.enter()
            let th = Thread {
                let dec = JPEGCodec()
                let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: h * w * 3)
                for _ in 0..<rounds {
                    for i in stride(from: t, to: shared.count, by: workers) {
                        try? shared[i].withUnsafeBytes { try dec.decode($0, into: buf, width: w, height: h, channels: 3) }
                    }
                }
                buf.deallocate()
                group.leave()
            }
            th.start()
        }
        group.wait()
        let decodeRate = Double(rounds * n) / (Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        let decodeCPURate = Double(rounds * n) / (LoaderBench.cpuTime() - c0)
        // Interleaved single-thread split: decode vs render (RRC 224 + flip + normalise) of the same images.
        let spec = ViewSpec(crop: .randomResized(scale: 0.08...1, ratio: 0.75...(4.0 / 3.0)), outHeight: 224, outWidth: 224).with {
            $0.flipProbability = 0.5
        }
        let aug = Augmenter()
        let dec = JPEGCodec()
        let img = UnsafeMutablePointer<UInt8>.allocate(capacity: h * w * 3)
        let outBuf = UnsafeMutablePointer<Float>.allocate(capacity: 3 * 224 * 224)
        defer {
            img.deallocate()
            outBuf.deallocate()
        }
        var tDec = 0.0
        var tRen = 0.0
        var tROI = 0.0
        var roiArea = 0.0
        let region = JPEGRegionDecoder()
        for round in 0..<3 {
            for (i, f) in files.enumerated() {
                let a0 = LoaderBench.cpuTime()
                try f.withUnsafeBytes { try dec.decode($0, into: img, width: w, height: h, channels: 3) }
                let a1 = LoaderBench.cpuTime()
                let p = spec.draw(seed: 1, epoch: round, sampleID: UInt64(i), view: 0, srcHeight: h, srcWidth: w)
                try aug.render(src: img, height: h, width: w, channels: 3, params: p, mean: [0.5], std: [0.25], into: outBuf)
                let a2 = LoaderBench.cpuTime()
                // The region-of-interest decode of the same crop box (what the loader decodes).
                _ = try f.withUnsafeBytes {
                    try region.decode(
                        $0, denominator: 1, fastUpsample: false, channels: 3, top: p.top, left: max(0, p.left - 2), rows: p.height,
                        cols: min(w, p.left + p.width + 2) - max(0, p.left - 2), into: img, capacity: h * w * 3)
                }
                tROI += LoaderBench.cpuTime() - a2
                roiArea += Double(p.height * p.width) / Double(h * w)
                tDec += a1 - a0
                tRen += a2 - a1
            }
        }
        print(
            String(
                format:
                    "JPEG region decode of the RRC box (1 thread, CPU time): %.0f us per image (%.3f x full decode; boxes cover %.2f of the image on average)",
                tROI / Double(3 * n) * 1e6, tROI / tDec, roiArea / Double(3 * n)))
        for (bh, bw) in [(375, 500), (300, 300), (200, 200), (224, 224), (120, 160)] {
            var p = ViewParams(srcHeight: h, srcWidth: w, top: 0, left: 0, height: bh, width: bw, flipped: false, outHeight: 224, outWidth: 224)
            let a0 = LoaderBench.cpuTime()
            for _ in 0..<100 { try aug.render(src: img, height: h, width: w, channels: 3, params: p, mean: [0.5], std: [0.25], into: outBuf) }
            let a1 = LoaderBench.cpuTime()
            p.jittered = true
            p.brightness = 1.1
            for _ in 0..<100 { try aug.render(src: img, height: h, width: w, channels: 3, params: p, mean: [0.5], std: [0.25], into: outBuf) }
            let a2 = LoaderBench.cpuTime()
            print(String(format: "  render box %dx%d -> 224: %.0f us direct, %.0f us via uint8 + LUT", bh, bw, (a1 - a0) * 1e4, (a2 - a1) * 1e4))
        }
        var tFast = 0.0
        for f in files {
            let a0 = LoaderBench.cpuTime()
            try f.withUnsafeBytes { try dec.decode($0, into: img, width: w, height: h, channels: 3, fastUpsample: true) }
            tFast += LoaderBench.cpuTime() - a0
        }
        print(String(format: "JPEG decode with TJFLAG_FASTUPSAMPLE: %.0f us per image", tFast / Double(n) * 1e6))
        print(
            String(
                format: "JPEG split (1 thread, CPU time): decode %.0f us, RRC-224 render %.0f us per image (render / decode = %.3f)",
                tDec / Double(3 * n) * 1e6, tRen / Double(3 * n) * 1e6, tRen / tDec))
        var cfg = LoaderConfig(
            batchSize: 32,
            views: [
                ViewSpec(crop: .randomResized(scale: 0.08...1, ratio: 0.75...(4.0 / 3.0)), outHeight: 224, outWidth: 224).with {
                    $0.flipProbability = 0.5
                }
            ])
        cfg.workers = workers
        cfg.order = .random
        var rows: [(String, String)] = [
            (
                "JPEG \(w)x\(h) q90 (avg \(avg) B): tjDecompress2 full decode, \(workers) threads",
                String(format: "%.0f img/s (%.0f img per CPU-s)", decodeRate, decodeCPURate)
            )
        ]
        // The path (region-of-interest decode, batches read in place as in the SSL rows), then the
        // same with batches copied out (`next(into:)`), with the full decode, and with fast upsampling.
        let variants: [(label: String, region: Bool, zeroCopy: Bool, fastUp: Bool)] = [
            ("", true, true, false), (", batches copied out", true, false, false),
            (", full decode (no region of interest)", false, true, false), (", TJFLAG_FASTUPSAMPLE", true, true, true),
        ]
        for v in variants {
            cfg.jpegRegionDecode = v.region
            cfg.jpegFastUpsample = v.fastUp
            let loader = try Loader(path: path, config: cfg)
            var total = LoaderBench.Result(images: 0, seconds: 0)
            for e in 0..<2 {
                let r = try LoaderBench.measure(loader, epoch: e, warmup: 1, zeroCopy: v.zeroCopy)
                total.images += r.images
                total.seconds += r.seconds
                total.cpuSeconds += r.cpuSeconds
            }
            print(
                String(
                    format:
                        "JPEG %dx%d q90 (avg %d B): single-pass decode %.0f img/s (%d threads), %.0f img per CPU-s; RRC-224 + flip loader%@ %.0f img/s = %.3f x decode, %.0f img per CPU-s = %.3f x decode per CPU-s",
                    w, h, avg, decodeRate, workers, decodeCPURate, v.label, total.imagesPerSecond, total.imagesPerSecond / decodeRate,
                    total.imagesPerCPUSecond, total.imagesPerCPUSecond / decodeCPURate))
            rows.append(
                (
                    "JPEG → RRC 224 + flip → normalised float\(v.label), \(workers) workers",
                    String(
                        format: "%.0f img/s = %.3f × decode (per CPU-s: %.0f = %.3f × decode)", total.imagesPerSecond,
                        total.imagesPerSecond / decodeRate, total.imagesPerCPUSecond, total.imagesPerCPUSecond / decodeCPURate)
                ))
        }
        return rows
    }

    static func openRows(_ dir: String, n: Int) throws -> [(String, String)] {
        let path = dir + "/million.rstore"
        let schema = StoreSchema(fields: [FieldSpec(name: "value", kind: .bytes)], source: "synthetic tiny samples")
        try StoreWriter.write(to: path, schema: schema) { wr in
            for i in 0..<n {
                try wr.append(StoreSample(id: UInt64(i), label: Int32(i % 1000), values: [.bytes([UInt8(i & 255), UInt8(i >> 8 & 255)])]))
            }
        }
        // Cold-ish open: the first open after writing; then the median of 5 opens.
        var times: [Double] = []
        var reader: StoreReader? = nil
        for _ in 0..<5 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            reader = try StoreReader(path: path)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        let r = reader!
        let open = times.sorted()[2]
        print("open times (s): \(times)")
        let h0 = DispatchTime.now().uptimeNanoseconds
        var sink: UInt64 = 0
        let buf = [UInt8](repeating: 7, count: 64 << 20)
        for _ in 0..<4 { sink &+= XXHash64.hash(buf) }
        let hashRate = Double(4 * buf.count) / (Double(DispatchTime.now().uptimeNanoseconds - h0) / 1e9)
        print(String(format: "XXH64 rate %.2f GB/s (sink %llu)", hashRate / 1e9, sink & 1))
        let probe = try r.bytes(sample: n - 1, field: 0)
        precondition(probe == [UInt8((n - 1) & 255), UInt8((n - 1) >> 8 & 255)])
        // Sanity: a flipped bit in the middle of the index is caught at open.
        var d = try Data(contentsOf: URL(fileURLWithPath: path))
        d[r.fileBytes - 12_000_000] ^= 4
        try d.write(to: URL(fileURLWithPath: path + ".bad"))
        do {
            _ = try StoreReader(path: path + ".bad")
            print("ERROR: corrupt index opened")
        } catch { print("corrupt index detected: \(error)") }
        print(String(format: "open a %d-sample store (%d B, index %d B, checksummed at open): %.3f s", n, r.fileBytes, r.stats().indexBytes, open))
        return [("open \(n)-sample store (index checksummed)", String(format: "%.3f s", open))]
    }
}

extension ViewSpec {
    func with(_ f: (inout ViewSpec) -> Void) -> ViewSpec {
        var c = self
        f(&c)
        return c
    }
}
