import Foundation

extension Ingest {
    /// Fashion-MNIST split "train" or "test" from `dir` with a caption per image: fields `image`
    /// (raw gray `[28, 28]`) and `caption` (text), the class as the label.
    ///
    /// Captions come from `FashionCaptioner` (class synonym + attributes measured on the image), or,
    /// with `captionsFile`, from that file: one caption per line, line `i` for source image `i − 1`
    /// (the idx file's order). A file with fewer or more lines than images, or an empty caption, is
    /// `StoreError.badInput` naming the line; nothing is skipped.
    @discardableResult
    public static func fashionMNISTCaptions(
        dir: String, split: String, out: String, captionsFile: String? = nil,
        captioner: FashionCaptioner = FashionCaptioner(), shuffleSeed: UInt64? = 0
    ) throws -> StoreSummary {
        let data = try readIDX(dir: dir, split: split)
        let given = try captionsFile.map { try captionLines($0, expected: data.count) }
        let source =
            "fashion-mnist-captions \(split): \(data.source); captions: "
            + (captionsFile ?? "FashionCaptioner seed \(captioner.seed)")
        let schema = StoreSchema(
            fields: [FieldSpec(name: "image", kind: .image, imageCodec: .raw), FieldSpec(name: "caption", kind: .text)],
            hasLabels: true, classNames: fashionMNISTClasses, source: source, shuffleSeed: shuffleSeed)
        return try StoreWriter.write(to: out, schema: schema) { w in
            for i in permutation(data.count, seed: shuffleSeed) {
                let pixels = data.image(i)
                let label = Int(data.labels[i])
                guard label < fashionMNISTClasses.count else {
                    throw StoreError.badInput(path: data.labelsPath, detail: "image \(i): label \(label) is not a Fashion-MNIST class (0-9)")
                }
                let caption = given?[i] ?? captioner.caption(pixels: pixels, height: data.rows, width: data.cols, index: UInt64(i), label: label)
                let image = RawImage(height: data.rows, width: data.cols, channels: 1, pixels: pixels)
                try w.append(StoreSample(id: UInt64(i), label: Int32(label), values: [.image(image), .text(caption)]))
            }
        }
    }

    /// The lines of a caption file, one per image: exactly `expected` non-empty lines (a final
    /// newline is allowed). Throws `StoreError.badInput` naming the first empty line, the first
    /// missing line or the first extra one.
    static func captionLines(_ path: String, expected: Int) throws -> [String] {
        let text = String(decoding: try readFile(path), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        for (k, line) in lines.prefix(expected).enumerated() where line.trimmingCharacters(in: .whitespaces).isEmpty {
            throw StoreError.badInput(path: path, detail: "line \(k + 1): empty caption (every one of the \(expected) images needs one)")
        }
        guard lines.count == expected else {
            let detail =
                lines.count < expected
                ? "line \(lines.count + 1): missing; \(lines.count) captions for \(expected) images"
                : "line \(expected + 1): extra; \(lines.count) captions for \(expected) images"
            throw StoreError.badInput(path: path, detail: detail)
        }
        return lines
    }
}
