import Foundation

extension Ingest {
    /// How encoded source images are stored.
    public enum ImagePolicy: String, Sendable, CaseIterable {
        /// Keep the JPEG/PNG bytes as they are (validated by a full decode at ingest).
        case keep
        /// Decode and store raw uint8 pixels (zstd).
        case raw
    }

    /// Reads, validates and wraps one JPEG/PNG file as a field value.
    static func imageValue(path: String, policy: ImagePolicy, jpeg: JPEGCodec) throws -> FieldValue {
        let bytes = try readFile(path)
        do {
            return try bytes.withUnsafeBytes { raw -> FieldValue in
                let codec: ImageCodec
                let h: ImageHeader
                if bytes.starts(with: [0xFF, 0xD8]) {
                    codec = .jpeg
                    h = try jpeg.header(raw)
                } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
                    codec = .png
                    h = try PNGCodec.header(raw)
                } else {
                    throw StoreError.invalidArgument("neither JPEG nor PNG")
                }
                guard h.height <= 65535, h.width <= 65535 else { throw StoreError.invalidArgument("image larger than 65535 px") }
                var px = [UInt8](repeating: 0, count: h.height * h.width * h.channels)
                try px.withUnsafeMutableBufferPointer { d in
                    if codec == .jpeg {
                        try jpeg.decode(raw, into: d.baseAddress!, width: h.width, height: h.height, channels: h.channels)
                    } else {
                        try PNGCodec.decode(raw, into: d.baseAddress!, width: h.width, height: h.height, channels: h.channels)
                    }
                }
                if policy == .raw { return .image(RawImage(height: h.height, width: h.width, channels: h.channels, pixels: px)) }
                return .encodedImage(codec: codec, bytes: bytes, height: h.height, width: h.width, channels: h.channels)
            }
        } catch let e as StoreError {
            if case .badInput = e { throw e }
            throw StoreError.badInput(path: path, detail: e.description)
        }
    }

    /// An image folder: one sub-folder per class (sorted names are labels 0, 1, ...), JPEG/PNG files inside.
    @discardableResult
    public static func imageFolder(dir: String, out: String, policy: ImagePolicy = .keep, shuffleSeed: UInt64? = 0) throws -> StoreSummary {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: dir) else { throw StoreError.badInput(path: dir, detail: "cannot list directory") }
        var isDir: ObjCBool = false
        let classes = entries.filter { !$0.hasPrefix(".") && fm.fileExists(atPath: dir + "/" + $0, isDirectory: &isDir) && isDir.boolValue }.sorted()
        guard !classes.isEmpty else { throw StoreError.badInput(path: dir, detail: "no class sub-folders") }
        var files: [(String, Int32)] = []
        for (k, c) in classes.enumerated() {
            let names = (try? fm.contentsOfDirectory(atPath: dir + "/" + c)) ?? []
            for f in names.sorted() where ["jpg", "jpeg", "png"].contains((f as NSString).pathExtension.lowercased()) {
                files.append((dir + "/" + c + "/" + f, Int32(k)))
            }
        }
        guard !files.isEmpty else { throw StoreError.badInput(path: dir, detail: "no .jpg/.jpeg/.png files in class folders") }
        let schema = StoreSchema(
            fields: [FieldSpec(name: "image", kind: .image, imageCodec: policy == .raw ? .raw : .jpeg)],
            classNames: classes, source: "imagefolder: \(dir)", shuffleSeed: shuffleSeed,
            chunkBytes: policy == .raw ? 1 << 20 : 256 << 10)
        let jpeg = JPEGCodec()
        return try StoreWriter.write(to: out, schema: schema) { w in
            for i in permutation(files.count, seed: shuffleSeed) {
                let v = try imageValue(path: files[i].0, policy: policy, jpeg: jpeg)
                try w.append(StoreSample(id: UInt64(i), label: files[i].1, values: [v]))
            }
        }
    }

    /// An image + caption list: TSV lines `path<TAB>caption`, or JSON Lines `{"image": path, "caption": text}`
    /// (".jsonl"/".json" extension). Relative paths are resolved against the list's folder.
    @discardableResult
    public static func captions(list: String, out: String, policy: ImagePolicy = .keep, shuffleSeed: UInt64? = 0) throws -> StoreSummary {
        let text = String(decoding: try readFile(list), as: UTF8.self)
        let base = (list as NSString).deletingLastPathComponent
        let json = list.hasSuffix(".jsonl") || list.hasSuffix(".json")
        var items: [(String, String)] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let l = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if l.isEmpty || l.hasPrefix("#") { continue }
            var path: String
            var caption: String
            if json {
                guard let obj = try? JSONSerialization.jsonObject(with: Data(l.utf8)) as? [String: Any],
                    let p = (obj["image"] ?? obj["file"]) as? String, let c = (obj["caption"] ?? obj["text"]) as? String
                else {
                    throw StoreError.badInput(path: list, detail: "line \(n + 1): expected {\"image\": ..., \"caption\": ...}")
                }
                path = p
                caption = c
            } else {
                let parts = l.split(separator: "\t", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw StoreError.badInput(path: list, detail: "line \(n + 1): expected path<TAB>caption") }
                path = parts[0]
                caption = parts[1]
            }
            guard !caption.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw StoreError.badInput(path: list, detail: "line \(n + 1): empty caption")
            }
            if !path.hasPrefix("/") { path = (base.isEmpty ? "." : base) + "/" + path }
            items.append((path, caption))
        }
        guard !items.isEmpty else { throw StoreError.badInput(path: list, detail: "no entries") }
        let schema = StoreSchema(
            fields: [
                FieldSpec(name: "image", kind: .image, imageCodec: policy == .raw ? .raw : .jpeg),
                FieldSpec(name: "caption", kind: .text),
            ],
            hasLabels: false, source: "captions: \(list)", shuffleSeed: shuffleSeed)
        let jpeg = JPEGCodec()
        return try StoreWriter.write(to: out, schema: schema) { w in
            for i in permutation(items.count, seed: shuffleSeed) {
                let v = try imageValue(path: items[i].0, policy: policy, jpeg: jpeg)
                try w.append(StoreSample(id: UInt64(i), label: -1, values: [v, .text(items[i].1)]))
            }
        }
    }
}
