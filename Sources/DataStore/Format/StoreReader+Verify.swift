/// Statistics for `retort store inspect`.
public struct StoreStats: Sendable {
    /// Per field: (name, kind, chunks, stored bytes, raw bytes).
    public var fields: [(name: String, kind: FieldKind, chunks: Int, storedBytes: Int, rawBytes: Int)]
    /// Samples per label (label -> count), for labelled stores.
    public var labelHistogram: [Int32: Int]
    /// Index bytes.
    public var indexBytes: Int
}

extension StoreReader {
    /// Sizes and label histogram from the index alone (no chunk is read).
    public func stats() -> StoreStats {
        var fields = schema.fields.map { (name: $0.name, kind: $0.kind, chunks: 0, storedBytes: 0, rawBytes: 0) }
        for c in 0..<chunkCount {
            let e = chunk(c)
            fields[Int(e.field)].chunks += 1
            fields[Int(e.field)].storedBytes += Int(e.storedLength)
            fields[Int(e.field)].rawBytes += Int(e.rawLength)
        }
        var hist: [Int32: Int] = [:]
        if schema.hasLabels { for i in 0..<count { hist[label(i), default: 0] += 1 } }
        return StoreStats(
            fields: fields, labelHistogram: hist,
            indexBytes: StoreLayout.indexSize(samples: count, chunks: chunkCount, fields: schema.fields))
    }

    /// Checks every chunk checksum and decodes every field of every sample (images fully decoded,
    /// text as UTF-8, arrays by length). Returns all problems found; empty means clean.
    public func verify(progress: ((Int) -> Void)? = nil) -> [StoreError] {
        var problems: [StoreError] = []
        var badChunks = Set<Int>()
        for c in 0..<chunkCount {
            do { _ = try loadChunk(c) } catch let e as StoreError {
                problems.append(e)
                badChunks.insert(c)
            } catch {
                problems.append(.chunkDecode(path: path, chunk: c, detail: "\(error)"))
            }
        }
        let decoder = ImageDecoder()
        for i in 0..<count {
            for (f, spec) in schema.fields.enumerated() {
                if badChunks.contains(location(sample: i, field: f).chunk) { continue }
                do {
                    switch spec.kind {
                    case .image:
                        try decoder.withImage(self, sample: i, field: f) { _, _, _, _ in }
                    case .int32Array, .float32Array:
                        let n = try withBytes(sample: i, field: f) { $0.count }
                        if n % 4 != 0 {
                            throw StoreError.sampleDecode(path: path, sample: i, field: spec.name, detail: "\(n) bytes is not a multiple of 4")
                        }
                    case .text:
                        let ok = try withBytes(sample: i, field: f) { String(validating: $0, as: UTF8.self) != nil }
                        if !ok { throw StoreError.sampleDecode(path: path, sample: i, field: spec.name, detail: "invalid UTF-8") }
                    case .bytes:
                        _ = try withBytes(sample: i, field: f) { $0.count }
                    }
                } catch let e as StoreError { problems.append(e) } catch {
                    problems.append(.sampleDecode(path: path, sample: i, field: spec.name, detail: "\(error)"))
                }
            }
            if let progress, i % 10_000 == 0 { progress(i) }
        }
        return problems
    }

    /// Sample `i`'s text field `f`.
    public func text(sample i: Int, field f: Int) throws -> String {
        try withBytes(sample: i, field: f) { b in
            guard let s = String(validating: b, as: UTF8.self) else {
                throw StoreError.sampleDecode(path: path, sample: i, field: schema.fields[f].name, detail: "invalid UTF-8")
            }
            return s
        }
    }
    /// Sample `i`'s Int32 array field `f`.
    public func int32s(sample i: Int, field f: Int) throws -> [Int32] {
        try withBytes(sample: i, field: f) { b in
            guard b.count % 4 == 0 else { throw StoreError.sampleDecode(path: path, sample: i, field: schema.fields[f].name, detail: "length") }
            return (0..<(b.count / 4)).map { Int32(littleEndian: b.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        }
    }
    /// Sample `i`'s Float array field `f`.
    public func floats(sample i: Int, field f: Int) throws -> [Float] {
        try withBytes(sample: i, field: f) { b in
            guard b.count % 4 == 0 else { throw StoreError.sampleDecode(path: path, sample: i, field: schema.fields[f].name, detail: "length") }
            return (0..<(b.count / 4)).map { b.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
        }
    }
}
