import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a store atomically: everything goes to `FINAL.tmp`, which is fsynced and renamed onto
/// the final name only by `finish()`. Output is byte-identical for identical input.
public final class StoreWriter {
    private let finalPath: String
    private let tempPath: String
    private let schema: StoreSchema
    private var fd: Int32
    private var offset: UInt64 = 0
    private var chunks: [ChunkEntry] = []
    private var ids: [UInt64] = []
    private var labels: [Int32] = []
    private var locations: [[UInt32]]  // per field: chunk, offset, length per sample
    private var imageInfo: [[UInt8]]  // per image field: 8 bytes per sample
    private var pending: [[UInt8]]  // per field: the open chunk's bytes
    private var pendingFirst: [Int]  // per field: first sample in the open chunk
    private var pendingCount: [Int]  // per field: samples in the open chunk
    private var rawBytes = 0
    private var done = false
    private let imageFields: [Int]

    /// Opens `path.tmp` for writing (replacing a stale one) and writes the header.
    public init(path: String, schema: StoreSchema) throws {
        guard !schema.fields.isEmpty else { throw StoreError.invalidArgument("store schema needs at least one field") }
        guard Set(schema.fields.map(\.name)).count == schema.fields.count else {
            throw StoreError.invalidArgument("store schema has duplicate field names")
        }
        guard schema.fields.count < Int(UInt16.max) else { throw StoreError.invalidArgument("too many fields") }
        self.finalPath = path
        self.tempPath = path + ".tmp"
        self.schema = schema
        self.locations = Array(repeating: [], count: schema.fields.count)
        self.imageFields = schema.fields.indices.filter { schema.fields[$0].kind == .image }
        self.imageInfo = Array(repeating: [], count: imageFields.count)
        self.pending = Array(repeating: [], count: schema.fields.count)
        self.pendingFirst = Array(repeating: 0, count: schema.fields.count)
        self.pendingCount = Array(repeating: 0, count: schema.fields.count)
        fd = open(tempPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw StoreError.io(path: tempPath, message: String(cString: strerror(errno))) }
        do {
            let json = try schema.canonicalJSON()
            var h: [UInt8] = StoreLayout.headerMagic
            h.appendLE(StoreLayout.version)
            h.appendLE(UInt32(StoreLayout.headerFixed + json.count + 8))
            h.appendLE(UInt32(json.count))
            h.appendLE(UInt32(0))
            h += json
            h.appendLE(XXHash64.hash(h))
            try writeAll(h)
        } catch {
            abort()
            throw error
        }
    }

    deinit { if !done { abort() } }

    /// Appends one sample (values in schema order).
    public func append(_ sample: StoreSample) throws {
        precondition(!done, "StoreWriter used after finish/abort")
        let s = ids.count
        guard sample.values.count == schema.fields.count else {
            throw StoreError.invalidArgument("sample \(sample.id): \(sample.values.count) values for \(schema.fields.count) fields")
        }
        guard s < Int(UInt32.max) else { throw StoreError.invalidArgument("too many samples") }
        var imageSlot = 0
        for (f, spec) in schema.fields.enumerated() {
            let v = sample.values[f]
            var info: (Int, Int, Int, ImageCodec)? = nil
            let bytes: [UInt8]
            switch (spec.kind, v) {
            case (.image, .image(let img)) where spec.imageCodec == .raw || spec.imageCodec == nil:
                bytes = img.pixels
                info = (img.height, img.width, img.channels, .raw)
            case (.image, let .encodedImage(codec, data, h, w, c)) where codec != .raw && spec.imageCodec != .raw:
                bytes = data
                info = (h, w, c, codec)
            case (.int32Array, .ints(let a)): bytes = a.withUnsafeBytes { Array($0) }
            case (.float32Array, .floats(let a)): bytes = a.withUnsafeBytes { Array($0) }
            case (.bytes, .bytes(let b)): bytes = b
            case (.text, .text(let t)): bytes = Array(t.utf8)
            default:
                throw StoreError.invalidArgument("sample \(sample.id): value \(v) does not fit field '\(spec.name)' (\(spec.kind))")
            }
            if let (h, w, c, codec) = info {
                guard h > 0, w > 0, h <= 65535, w <= 65535, c == 1 || c == 3 else {
                    throw StoreError.invalidArgument("sample \(sample.id): image \(h)x\(w)x\(c) unsupported")
                }
                var row: [UInt8] = []
                row.appendLE(UInt16(h))
                row.appendLE(UInt16(w))
                row.append(UInt8(c))
                row.append(codec.code)
                row.appendLE(UInt16(0))
                imageInfo[imageSlot] += row
                imageSlot += 1
            }
            if pendingCount[f] > 0 && pending[f].count + bytes.count > schema.chunkBytes {
                try closeChunk(field: f, endSample: s)
            }
            if pendingCount[f] == 0 { pendingFirst[f] = s }
            pendingCount[f] += 1
            guard pending[f].count + bytes.count < Int(UInt32.max) else { throw StoreError.invalidArgument("sample too large") }
            locations[f] += [0, UInt32(pending[f].count), UInt32(bytes.count)]
            pending[f] += bytes
        }
        ids.append(sample.id)
        labels.append(sample.label)
    }

    private func closeChunk(field f: Int, endSample: Int) throws {
        let id = UInt32(chunks.count)
        let raw = pending[f]
        let spec = schema.fields[f]
        let stored = spec.compressed ? try raw.withUnsafeBytes { try Zstd.compress($0, level: schema.zstdLevel) } : raw
        for s in pendingFirst[f]..<endSample { locations[f][3 * s] = id }
        chunks.append(
            ChunkEntry(
                fileOffset: offset, storedLength: UInt32(stored.count), rawLength: UInt32(raw.count),
                field: UInt16(f), codec: spec.compressed ? StoreLayout.codecZstd : StoreLayout.codecStored,
                firstSample: UInt32(pendingFirst[f]), sampleCount: UInt32(endSample - pendingFirst[f]),
                hash: XXHash64.hash(stored)))
        rawBytes += raw.count
        try writeAll(stored)
        pending[f].removeAll(keepingCapacity: true)
        pendingCount[f] = 0
    }

    /// Flushes the open chunks, writes the index and footer, fsyncs and renames onto the final name.
    @discardableResult
    public func finish() throws -> StoreSummary {
        precondition(!done, "StoreWriter finished twice")
        do {
            let n = ids.count
            for f in schema.fields.indices where pendingCount[f] > 0 { try closeChunk(field: f, endSample: n) }
            var index: [UInt8] = []
            index.reserveCapacity(StoreLayout.indexSize(samples: n, chunks: chunks.count, fields: schema.fields))
            for c in chunks {
                index.appendLE(c.fileOffset)
                index.appendLE(c.storedLength)
                index.appendLE(c.rawLength)
                index.appendLE(c.field)
                index.append(c.codec)
                index.append(0)
                index.appendLE(c.firstSample)
                index.appendLE(c.sampleCount)
                index.appendLE(UInt32(0))
                index.appendLE(c.hash)
            }
            ids.withUnsafeBytes { index += $0 }
            labels.withUnsafeBytes { index += $0 }
            for l in locations { l.withUnsafeBytes { index += $0 } }
            for i in imageInfo { index += i }
            let indexOffset = offset
            let indexHash = XXHash64.hash(index)
            try writeAll(index)
            var footer: [UInt8] = StoreLayout.footerMagic
            footer.appendLE(StoreLayout.version)
            footer.appendLE(UInt32(0))
            footer.appendLE(indexOffset)
            footer.appendLE(UInt64(index.count))
            footer.appendLE(indexHash)
            footer.appendLE(UInt64(n))
            footer.appendLE(UInt64(chunks.count))
            footer.appendLE(offset + UInt64(StoreLayout.footerSize))
            footer.appendLE(XXHash64.hash(footer))
            try writeAll(footer)
            if fsync(fd) != 0 { throw StoreError.io(path: tempPath, message: "fsync: \(String(cString: strerror(errno)))") }
            close(fd)
            fd = -1
            if rename(tempPath, finalPath) != 0 {
                throw StoreError.io(path: finalPath, message: "rename: \(String(cString: strerror(errno)))")
            }
            let dir = (finalPath as NSString).deletingLastPathComponent
            let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_CLOEXEC)
            if dfd >= 0 {
                _ = fsync(dfd)
                close(dfd)
            }
            done = true
            return StoreSummary(
                path: finalPath, samples: n, chunks: chunks.count, fileBytes: Int(offset),
                rawBytes: rawBytes, fingerprint: indexHash)
        } catch {
            abort()
            throw error
        }
    }

    /// Abandons the write: closes and deletes the temp file; the final name is never touched.
    public func abort() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        unlink(tempPath)
        done = true
    }

    /// Writes a whole store with `body` appending samples; on any thrown error nothing is left behind.
    @discardableResult
    public static func write(to path: String, schema: StoreSchema, _ body: (StoreWriter) throws -> Void) throws -> StoreSummary {
        let w = try StoreWriter(path: path, schema: schema)
        do { try body(w) } catch {
            w.abort()
            throw error
        }
        return try w.finish()
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let r = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if r < 0 {
                    if errno == EINTR { continue }
                    throw StoreError.io(path: tempPath, message: String(cString: strerror(errno)))
                }
                done += r
            }
        }
        offset += UInt64(bytes.count)
    }
}
