import DataStore
import Foundation
import XCTest

/// Tiny Fashion-MNIST stores (real images from the Debian package) shared by the runner tests.
enum TinyStores {
    /// The folder holding `train.rstore` (256 samples), `test.rstore` (128 samples) and
    /// `unlabelled.rstore` (the next 64 training images, without labels or captions).
    static let folder: Result<URL, Error> = Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("retort-tiny-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let source = "/usr/share/datasets/fashion-mnist"
        for (split, n) in [("train", 256), ("test", 128)] {
            let full = dir.appendingPathComponent("full-\(split).rstore").path
            try Ingest.mnist(dir: source, split: split, fashion: true, out: full)
            let reader = try StoreReader(path: full)
            // With a caption per image (FashionCaptioner), so that the image-text objectives train too.
            var schema = reader.schema
            schema.fields.append(FieldSpec(name: "caption", kind: .text))
            let captioner = FashionCaptioner()
            try StoreWriter.write(to: dir.appendingPathComponent("\(split).rstore").path, schema: schema) { w in
                for i in 0..<n {
                    let px = try reader.bytes(sample: i, field: 0)
                    let caption = captioner.caption(pixels: px, height: 28, width: 28, index: reader.sampleID(i), label: Int(reader.label(i)))
                    try w.append(
                        StoreSample(
                            id: reader.sampleID(i), label: reader.label(i),
                            values: [.image(RawImage(height: 28, width: 28, channels: 1, pixels: px)), .text(caption)]))
                }
            }
            if split == "train" {
                try StoreSubset.write(
                    reader, positions: Array(n..<(n + 64)), to: dir.appendingPathComponent("unlabelled.rstore").path,
                    dropLabels: true)
            }
            try FileManager.default.removeItem(atPath: full)
        }
        return dir
    }

    /// The train store path (fails the test with a clear message when Fashion-MNIST is missing).
    static func train() throws -> String { try folder.get().appendingPathComponent("train.rstore").path }
    /// The test store path.
    static func test() throws -> String { try folder.get().appendingPathComponent("test.rstore").path }
    /// The unlabelled store path (sample ids disjoint from the train store's).
    static func unlabelled() throws -> String { try folder.get().appendingPathComponent("unlabelled.rstore").path }
}
