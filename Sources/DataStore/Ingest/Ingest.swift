import Foundation
import Support

/// Building stores from common dataset layouts. Every builder shuffles at write time by default
/// (seed recorded in the schema; sample ids keep the source index) so chunks are class-mixed.
public enum Ingest {
    /// Reads a whole file; `.gz` files are inflated with `/bin/gzip -dc` (no zlib dependency).
    public static func readFile(_ path: String) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.badInput(path: path, detail: "no such file") }
        if path.hasSuffix(".gz") {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/gzip")
            p.arguments = ["-dc", path]
            let out = Pipe()
            let err = Pipe()
            p.standardOutput = out
            p.standardError = err
            do { try p.run() } catch { throw StoreError.badInput(path: path, detail: "cannot run /bin/gzip: \(error)") }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            let msg = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw StoreError.badInput(path: path, detail: "gzip failed: \(msg)") }
            return Array(data)
        }
        guard let d = FileManager.default.contents(atPath: path) else { throw StoreError.badInput(path: path, detail: "cannot read") }
        return Array(d)
    }

    /// The write-time permutation of `n` source indices (identity when `seed` is nil).
    public static func permutation(_ n: Int, seed: UInt64?) -> [Int] {
        var a = Array(0..<n)
        guard let seed else { return a }
        var rng = Philox(seed: seed, keys: [0x5752_4954])
        if n > 1 { for i in stride(from: n - 1, to: 0, by: -1) { a.swapAt(i, rng.nextInt(below: i + 1)) } }
        return a
    }

    /// Fashion-MNIST class names.
    public static let fashionMNISTClasses = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
        "Sneaker", "Bag", "Ankle boot",
    ]
    /// CIFAR-10 class names.
    public static let cifar10Classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    /// MNIST or Fashion-MNIST from `dir` (idx files, gzipped or not), split "train" or "test".
    @discardableResult
    public static func mnist(dir: String, split: String, fashion: Bool, out: String, shuffleSeed: UInt64? = 0) throws -> StoreSummary {
        let idx = try readIDX(dir: dir, split: split)
        let name = fashion ? "fashion-mnist" : "mnist"
        let schema = StoreSchema(
            fields: [FieldSpec(name: "image", kind: .image, imageCodec: .raw)], hasLabels: true,
            classNames: fashion ? fashionMNISTClasses : (0..<10).map(String.init),
            source: "\(name) \(split): \(idx.source)", shuffleSeed: shuffleSeed)
        return try StoreWriter.write(to: out, schema: schema) { w in
            for i in permutation(idx.count, seed: shuffleSeed) {
                let img = RawImage(height: idx.rows, width: idx.cols, channels: 1, pixels: idx.image(i))
                try w.append(StoreSample(id: UInt64(i), label: Int32(idx.labels[i]), values: [.image(img)]))
            }
        }
    }

    /// The images and labels of an (Fashion-)MNIST split in idx format.
    public struct IDXImages: Sendable {
        /// All pixels, image after image, `rows × cols` bytes each.
        public var pixels: [UInt8]
        /// One label per image.
        public var labels: [UInt8]
        /// Image count, height and width.
        public var count: Int, rows: Int, cols: Int
        /// The files read.
        public var source: String
        /// The label file (named in errors about a label).
        public var labelsPath: String

        /// A set of `count` images of `rows × cols` pixels.
        public init(pixels: [UInt8], labels: [UInt8], count: Int, rows: Int, cols: Int, source: String, labelsPath: String = "") {
            self.pixels = pixels
            self.labels = labels
            self.count = count
            self.rows = rows
            self.cols = cols
            self.source = source
            self.labelsPath = labelsPath
        }

        /// The pixels of image `i`.
        public func image(_ i: Int) -> [UInt8] { Array(pixels[(i * rows * cols)..<((i + 1) * rows * cols)]) }
    }

    /// Reads `train-*` or `t10k-*` idx files (gzipped or not) from `dir`; `split` is "train" or "test".
    public static func readIDX(dir: String, split: String) throws -> IDXImages {
        let prefix: String
        switch split {
        case "train": prefix = "train"
        case "test": prefix = "t10k"
        default: throw StoreError.invalidArgument("split must be train or test, got '\(split)'")
        }
        func find(_ base: String) throws -> String {
            for cand in [base, base + ".gz"] where FileManager.default.fileExists(atPath: dir + "/" + cand) { return dir + "/" + cand }
            throw StoreError.badInput(path: dir + "/" + base, detail: "no such file (nor .gz)")
        }
        let imagesPath = try find("\(prefix)-images-idx3-ubyte")
        let labelsPath = try find("\(prefix)-labels-idx1-ubyte")
        let images = try readFile(imagesPath)
        let labels = try readFile(labelsPath)
        func be32(_ a: [UInt8], _ o: Int) -> Int { Int(a[o]) << 24 | Int(a[o + 1]) << 16 | Int(a[o + 2]) << 8 | Int(a[o + 3]) }
        guard images.count >= 16, be32(images, 0) == 0x0803 else { throw StoreError.badInput(path: imagesPath, detail: "not an idx3 image file") }
        guard labels.count >= 8, be32(labels, 0) == 0x0801 else { throw StoreError.badInput(path: labelsPath, detail: "not an idx1 label file") }
        let n = be32(images, 4)
        let rows = be32(images, 8)
        let cols = be32(images, 12)
        guard images.count == 16 + n * rows * cols else {
            throw StoreError.badInput(path: imagesPath, detail: "expected \(16 + n * rows * cols) bytes, found \(images.count)")
        }
        guard be32(labels, 4) == n, labels.count == 8 + n else {
            throw StoreError.badInput(path: labelsPath, detail: "label count does not match \(n) images")
        }
        return IDXImages(
            pixels: Array(images[16...]), labels: Array(labels[8...]), count: n, rows: rows, cols: cols,
            source: "\(imagesPath), \(labelsPath)", labelsPath: labelsPath)
    }

    /// CIFAR-10 (1 label byte) or CIFAR-100 (coarse, fine label bytes; fine is the label, coarse
    /// goes to an int32 field) binary batches; images stored raw HWC. Class names are read from
    /// `batches.meta.txt` / `fine_label_names.txt` next to the first batch when present.
    @discardableResult
    public static func cifar(batches: [String], hundred: Bool, out: String, shuffleSeed: UInt64? = 0) throws -> StoreSummary {
        guard !batches.isEmpty else { throw StoreError.invalidArgument("cifar: no batch files given") }
        let head = hundred ? 2 : 1
        let rec = head + 3072
        var records: [(file: Int, offset: Int)] = []
        var files: [[UInt8]] = []
        for (k, b) in batches.enumerated() {
            let d = try readFile(b)
            guard !d.isEmpty, d.count % rec == 0 else {
                throw StoreError.badInput(path: b, detail: "size \(d.count) is not a multiple of the \(rec)-byte CIFAR record")
            }
            for r in 0..<(d.count / rec) {
                let lbl = Int(d[r * rec + head - 1])
                guard lbl < (hundred ? 100 : 10) else { throw StoreError.badInput(path: b, detail: "record \(r): label \(lbl) out of range") }
                records.append((k, r * rec))
            }
            files.append(d)
        }
        let dir = (batches[0] as NSString).deletingLastPathComponent
        let metaName = hundred ? "fine_label_names.txt" : "batches.meta.txt"
        var classes: [String] = hundred ? [] : cifar10Classes
        if let m = FileManager.default.contents(atPath: (dir.isEmpty ? "." : dir) + "/" + metaName) {
            classes = String(decoding: m, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var fields = [FieldSpec(name: "image", kind: .image, imageCodec: .raw)]
        if hundred { fields.append(FieldSpec(name: "coarse_label", kind: .int32Array)) }
        let schema = StoreSchema(
            fields: fields, classNames: classes,
            source: "\(hundred ? "cifar100" : "cifar10"): \(batches.joined(separator: ", "))", shuffleSeed: shuffleSeed)
        return try StoreWriter.write(to: out, schema: schema) { w in
            var hwc = [UInt8](repeating: 0, count: 3072)
            for i in permutation(records.count, seed: shuffleSeed) {
                let (f, o) = records[i]
                let d = files[f]
                for c in 0..<3 { for p in 0..<1024 { hwc[p * 3 + c] = d[o + head + c * 1024 + p] } }
                var values: [FieldValue] = [.image(RawImage(height: 32, width: 32, channels: 3, pixels: hwc))]
                if hundred { values.append(.ints([Int32(d[o])])) }
                try w.append(StoreSample(id: UInt64(i), label: Int32(d[o + head - 1]), values: values))
            }
        }
    }
}
