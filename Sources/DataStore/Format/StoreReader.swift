import CDataStore
import Foundation

/// A read-only view of a `.rstore` file. Opening validates magic, version, header checksum,
/// footer, file length and index checksum (reading no chunk data); chunk checksums are verified on
/// first touch. All accessors throw typed errors naming the file and chunk or sample.
public final class StoreReader: @unchecked Sendable {
    /// The file path.
    public let path: String
    /// The schema from the header.
    public let schema: StoreSchema
    /// Number of samples.
    public let count: Int
    /// Number of chunks.
    public let chunkCount: Int
    /// File size in bytes.
    public let fileBytes: Int
    /// XXH64 of the index: the dataset fingerprint.
    public let fingerprint: UInt64
    let file: MappedFile
    let indexOffset: Int
    let idsOffset: Int
    let labelsOffset: Int
    let locationsOffset: Int
    let imageInfoOffset: Int
    let imageSlots: [Int?]  // field -> position among image fields
    let dataEnd: Int
    let cache: ChunkCache

    /// Opens and validates `path`; `cacheBytes` bounds the decoded-chunk cache.
    public init(path: String, cacheBytes: Int = 256 << 20) throws {
        self.path = path
        file = try MappedFile(path: path)
        fileBytes = file.size
        let size = file.size
        let p = path
        // Header.
        guard size >= StoreLayout.headerFixed else {
            if size >= 8, file.withBytes(0, 8, { Array($0) }) != StoreLayout.headerMagic { throw StoreError.badMagic(path: p) }
            throw StoreError.truncated(path: p, detail: "file has \(size) bytes, smaller than a header")
        }
        let (magic, version, headerLength, schemaLength) = file.withBytes(0, StoreLayout.headerFixed) { b in
            (Array(b[0..<8]), b.baseAddress!.le(8, UInt32.self), Int(b.baseAddress!.le(12, UInt32.self)), Int(b.baseAddress!.le(16, UInt32.self)))
        }
        guard magic == StoreLayout.headerMagic else { throw StoreError.badMagic(path: p) }
        guard version == StoreLayout.version else { throw StoreError.unsupportedVersion(path: p, found: version) }
        guard headerLength == StoreLayout.headerFixed + schemaLength + 8 else {
            throw StoreError.corruptHeader(path: p, detail: "header length \(headerLength) inconsistent with schema length \(schemaLength)")
        }
        guard headerLength + StoreLayout.footerSize <= size else {
            throw StoreError.truncated(path: p, detail: "file has \(size) bytes, header needs \(headerLength) plus a footer")
        }
        let headerOK = file.withBytes(0, headerLength) { b in
            XXHash64.hash(UnsafeRawBufferPointer(rebasing: b[0..<(headerLength - 8)])) == b.baseAddress!.le(headerLength - 8, UInt64.self)
        }
        guard headerOK else { throw StoreError.corruptHeader(path: p, detail: "checksum mismatch") }
        do {
            schema = try file.withBytes(StoreLayout.headerFixed, schemaLength) { try JSONDecoder().decode(StoreSchema.self, from: Data($0)) }
        } catch {
            throw StoreError.corruptHeader(path: p, detail: "schema: \(error)")
        }
        // Footer.
        let fo = size - StoreLayout.footerSize
        let footer = file.withBytes(fo, StoreLayout.footerSize) { Array($0) }
        guard Array(footer[0..<8]) == StoreLayout.footerMagic else {
            throw StoreError.truncated(path: p, detail: "no footer at end of file (interrupted write or cut file)")
        }
        let f = footer.withUnsafeBytes { b -> (UInt32, Int, Int, UInt64, Int, Int, Int, UInt64, UInt64) in
            let q = b.baseAddress!
            // Truncating conversions: nothing traps on a corrupt footer; the hash is checked next.
            return (
                q.le(8, UInt32.self), Int(truncatingIfNeeded: q.le(16, UInt64.self)), Int(truncatingIfNeeded: q.le(24, UInt64.self)),
                q.le(32, UInt64.self), Int(truncatingIfNeeded: q.le(40, UInt64.self)), Int(truncatingIfNeeded: q.le(48, UInt64.self)),
                Int(truncatingIfNeeded: q.le(56, UInt64.self)), q.le(64, UInt64.self),
                XXHash64.hash(UnsafeRawBufferPointer(rebasing: b[0..<64]))
            )
        }
        guard f.8 == f.7 else { throw StoreError.corruptFooter(path: p, detail: "checksum mismatch") }
        guard f.0 == StoreLayout.version else { throw StoreError.unsupportedVersion(path: p, found: f.0) }
        guard f.6 == size else { throw StoreError.truncated(path: p, detail: "footer records \(f.6) bytes, file has \(size)") }
        indexOffset = f.1
        let indexLength = f.2
        count = f.4
        chunkCount = f.5
        fingerprint = f.3
        // Overflow-safe range checks before any arithmetic on the counts.
        guard indexOffset >= headerLength, indexOffset <= fo, indexLength == fo - indexOffset,
            count >= 0, count <= fo, chunkCount >= 0, chunkCount <= fo,
            indexLength == StoreLayout.indexSize(samples: count, chunks: chunkCount, fields: schema.fields)
        else {
            throw StoreError.corruptFooter(path: p, detail: "index position/length inconsistent with counts")
        }
        let indexOK = file.withBytes(indexOffset, indexLength) { XXHash64.hash($0) == f.3 }
        guard indexOK else { throw StoreError.corruptIndex(path: p, detail: "checksum mismatch") }
        dataEnd = indexOffset
        idsOffset = indexOffset + chunkCount * StoreLayout.chunkEntrySize
        labelsOffset = idsOffset + 8 * count
        locationsOffset = labelsOffset + 4 * count
        imageInfoOffset = locationsOffset + StoreLayout.locationSize * count * schema.fields.count
        var slots: [Int?] = []
        var k = 0
        for fs in schema.fields {
            if fs.kind == .image {
                slots.append(k)
                k += 1
            } else {
                slots.append(nil)
            }
        }
        imageSlots = slots
        cache = ChunkCache(budgetBytes: cacheBytes, chunkCount: chunkCount)
        // Chunk table: O(chunks) bounds checks, so every later read stays inside the data region.
        var expected = headerLength
        for c in 0..<chunkCount {
            let e = chunk(c)
            guard Int(e.fileOffset) == expected, Int(e.fileOffset) + Int(e.storedLength) <= dataEnd,
                Int(e.field) < schema.fields.count, e.codec <= 1,
                Int(e.firstSample) + Int(e.sampleCount) <= count
            else {
                throw StoreError.corruptIndex(path: p, detail: "chunk \(c) entry out of range")
            }
            expected += Int(e.storedLength)
        }
        guard expected == dataEnd else { throw StoreError.corruptIndex(path: p, detail: "chunks do not cover the data region") }
    }

    /// The chunk-table row of chunk `c`.
    public func chunk(_ c: Int) -> ChunkEntry {
        file.withBytes(indexOffset + c * StoreLayout.chunkEntrySize, StoreLayout.chunkEntrySize) { b in
            let q = b.baseAddress!
            return ChunkEntry(
                fileOffset: q.le(0, UInt64.self), storedLength: q.le(8, UInt32.self), rawLength: q.le(12, UInt32.self),
                field: q.le(16, UInt16.self), codec: q.load(fromByteOffset: 18, as: UInt8.self),
                firstSample: q.le(20, UInt32.self), sampleCount: q.le(24, UInt32.self), hash: q.le(32, UInt64.self))
        }
    }

    /// The id of sample `i` (its index in the source before the write-time shuffle).
    public func sampleID(_ i: Int) -> UInt64 { file.withBytes(idsOffset + 8 * i, 8) { $0.baseAddress!.le(0, UInt64.self) } }
    /// The label of sample `i` (-1 when none).
    public func label(_ i: Int) -> Int32 { file.withBytes(labelsOffset + 4 * i, 4) { $0.baseAddress!.le(0, Int32.self) } }

    /// Where sample `i`'s bytes of field `f` live: (chunk, offset in decoded chunk, length).
    public func location(sample i: Int, field f: Int) -> (chunk: Int, offset: Int, length: Int) {
        file.withBytes(locationsOffset + StoreLayout.locationSize * (f * count + i), 12) { b in
            let q = b.baseAddress!
            return (Int(q.le(0, UInt32.self)), Int(q.le(4, UInt32.self)), Int(q.le(8, UInt32.self)))
        }
    }

    /// Stored size and codec of sample `i`'s image in field `f` (nil when `f` is not an image field).
    public func imageInfo(sample i: Int, field f: Int) throws -> (height: Int, width: Int, channels: Int, codec: ImageCodec)? {
        guard let slot = imageSlots[f] else { return nil }
        let r = file.withBytes(imageInfoOffset + StoreLayout.imageInfoSize * (slot * count + i), 8) { b in
            let q = b.baseAddress!
            return (
                Int(q.le(0, UInt16.self)), Int(q.le(2, UInt16.self)), Int(q.load(fromByteOffset: 4, as: UInt8.self)),
                q.load(fromByteOffset: 5, as: UInt8.self)
            )
        }
        guard let codec = ImageCodec(code: r.3), r.0 > 0, r.1 > 0, r.2 == 1 || r.2 == 3 else {
            throw StoreError.sampleDecode(path: path, sample: i, field: schema.fields[f].name, detail: "bad image entry \(r)")
        }
        return (r.0, r.1, r.2, codec)
    }

    /// Calls `body` with sample `i`'s bytes of field `f`; the chunk is checksummed (first touch)
    /// and decompressed through the cache.
    public func withBytes<R>(sample i: Int, field f: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard i >= 0, i < count, f >= 0, f < schema.fields.count else {
            throw StoreError.invalidArgument("\(path): sample \(i) / field \(f) out of range (\(count) samples)")
        }
        let loc = location(sample: i, field: f)
        guard loc.chunk < chunkCount else {
            throw StoreError.sampleDecode(path: path, sample: i, field: schema.fields[f].name, detail: "chunk \(loc.chunk) out of range")
        }
        let entry = chunk(loc.chunk)
        guard Int(entry.field) == f, i >= Int(entry.firstSample), i < Int(entry.firstSample + entry.sampleCount),
            loc.offset + loc.length <= Int(entry.rawLength)
        else {
            throw StoreError.sampleDecode(
                path: path, sample: i, field: schema.fields[f].name,
                detail: "location outside chunk \(loc.chunk)")
        }
        let decoded = try cache.get(loc.chunk, reader: self)
        return try decoded.withBytes { try body(UnsafeRawBufferPointer(rebasing: $0[loc.offset..<(loc.offset + loc.length)])) }
    }

    /// Hints the CPU to fetch sample `i`'s bytes of field `f` into the cache when its chunk is
    /// already decoded (the loader calls it for the next sample while rendering the current one).
    func prefetchBytes(sample i: Int, field f: Int) {
        guard i >= 0, i < count, f >= 0, f < schema.fields.count else { return }
        let loc = location(sample: i, field: f)
        guard loc.chunk < chunkCount, let decoded = cache.peek(loc.chunk) else { return }
        decoded.withBytes { b in
            guard loc.offset >= 0, loc.offset + loc.length <= b.count else { return }
            rtk_prefetch(b.baseAddress! + loc.offset, loc.length)
        }
    }

    /// Sample `i`'s bytes of field `f` as an array.
    public func bytes(sample i: Int, field f: Int) throws -> [UInt8] { try withBytes(sample: i, field: f) { Array($0) } }

    /// Reads, checksums and (if compressed) decompresses chunk `c` into a fresh buffer.
    func loadChunk(_ c: Int) throws -> DecodedChunk {
        let e = chunk(c)
        let ok = file.withBytes(Int(e.fileOffset), Int(e.storedLength)) { XXHash64.hash($0) == e.hash }
        guard ok else { throw StoreError.chunkChecksum(path: path, chunk: c) }
        if e.codec == StoreLayout.codecStored {
            guard e.storedLength == e.rawLength else {
                throw StoreError.chunkDecode(path: path, chunk: c, detail: "stored chunk length mismatch")
            }
            return DecodedChunk(file: file, offset: Int(e.fileOffset), count: Int(e.rawLength))
        }
        let out = DecodedChunk(owning: Int(e.rawLength))
        let err = file.withBytes(Int(e.fileOffset), Int(e.storedLength)) { src in out.withMutableBytes { Zstd.decompress(src, into: $0) } }
        if let err { throw StoreError.chunkDecode(path: path, chunk: c, detail: err) }
        return out
    }
}
