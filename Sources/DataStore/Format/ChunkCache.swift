import Foundation

/// A decoded chunk: either an owned buffer or a window of the mapping (stored chunks).
final class DecodedChunk: @unchecked Sendable {
    private let owned: UnsafeMutableRawBufferPointer?
    private let file: MappedFile?
    private let offset: Int
    let count: Int

    init(owning count: Int) {
        owned = ChunkBufferPool.shared.take(max(count, 1))
        file = nil
        offset = 0
        self.count = count
    }
    init(file: MappedFile, offset: Int, count: Int) {
        owned = nil
        self.file = file
        self.offset = offset
        self.count = count
    }
    deinit { if let o = owned { ChunkBufferPool.shared.give(o) } }

    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let o = owned { return try body(UnsafeRawBufferPointer(rebasing: o[0..<count])) }
        return try file!.withBytes(offset, count, body)
    }
    func withMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(rebasing: owned![0..<count]))
    }
    /// Bytes this chunk holds in memory (0 for views of the mapping).
    var residentBytes: Int { owned == nil ? 0 : count }
}

/// Freed decoded-chunk buffers kept for the next chunk: a chunk's buffer is freed when the epoch
/// is done with it, and the allocator would otherwise return it to the OS and the next decode would
/// fault its pages in again (~64 page faults and an munmap per 256 KB chunk, ~5% of the 32 px SSL
/// loader's time). At most `limit` buffers are kept.
final class ChunkBufferPool: @unchecked Sendable {
    /// The process-wide pool.
    static let shared = ChunkBufferPool()
    private let lock = NSLock()
    private var free: [UnsafeMutableRawBufferPointer] = []
    /// The most buffers kept.
    let limit = 8

    /// A buffer of at least `count` bytes (64-byte aligned): a kept one when one is large enough.
    func take(_ count: Int) -> UnsafeMutableRawBufferPointer {
        lock.lock()
        if let i = free.firstIndex(where: { $0.count >= count && $0.count <= 2 * count }) {
            let b = free.remove(at: i)
            lock.unlock()
            return b
        }
        lock.unlock()
        return UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 64)
    }

    /// Returns `buffer` to the pool (or frees it when the pool is full).
    func give(_ buffer: UnsafeMutableRawBufferPointer) {
        lock.lock()
        if free.count < limit {
            free.append(buffer)
            lock.unlock()
        } else {
            lock.unlock()
            buffer.deallocate()
        }
    }
}

/// A thread-safe LRU cache of decoded chunks bounded by a byte budget (at least one chunk is always
/// kept). Concurrent requests for the same chunk decode it once. Checksums are verified whenever a
/// chunk is loaded, so every byte handed out has been verified.
final class ChunkCache: @unchecked Sendable {
    private let cond = NSCondition()
    private var entries: [Int: (chunk: DecodedChunk, tick: UInt64)] = [:]
    private var loading: Set<Int> = []
    private var tick: UInt64 = 0
    private var resident = 0
    private var peak = 0
    let budget: Int
    private(set) var loads = 0

    init(budgetBytes: Int, chunkCount: Int) { budget = budgetBytes }

    /// The largest resident size seen.
    var peakBytes: Int {
        cond.lock()
        defer { cond.unlock() }
        return peak
    }
    /// Chunk loads (decodes) so far.
    var loadCount: Int {
        cond.lock()
        defer { cond.unlock() }
        return loads
    }

    func get(_ c: Int, reader: StoreReader) throws -> DecodedChunk {
        try fetch(c, reader: reader, wait: true)!
    }

    /// Starts using chunk `c` ahead of need: loads it on this thread unless it is cached or
    /// already loading (never waits). Errors are left for the `get` that needs the chunk.
    func prefetch(_ c: Int, reader: StoreReader) {
        _ = try? fetch(c, reader: reader, wait: false)
    }

    /// Chunk `c` if it is cached (no load, no LRU update).
    func peek(_ c: Int) -> DecodedChunk? {
        cond.lock()
        defer { cond.unlock() }
        return entries[c]?.chunk
    }

    /// The chunk, loading it if needed; nil when `wait` is false and another thread is loading it.
    private func fetch(_ c: Int, reader: StoreReader, wait: Bool) throws -> DecodedChunk? {
        cond.lock()
        while true {
            if let e = entries[c] {
                tick += 1
                entries[c] = (e.chunk, tick)
                cond.unlock()
                return e.chunk
            }
            if !loading.contains(c) { break }
            if !wait {
                cond.unlock()
                return nil
            }
            cond.wait()
        }
        loading.insert(c)
        loads += 1
        cond.unlock()
        let result: Result<DecodedChunk, Error> = Result { try reader.loadChunk(c) }
        cond.lock()
        loading.remove(c)
        if case .success(let d) = result {
            tick += 1
            entries[c] = (d, tick)
            resident += d.residentBytes
            while resident > budget && entries.count > 1 {
                guard let victim = entries.filter({ $0.key != c }).min(by: { $0.value.tick < $1.value.tick }) else { break }
                resident -= victim.value.chunk.residentBytes
                entries[victim.key] = nil
            }
            peak = max(peak, resident)
        }
        cond.broadcast()
        cond.unlock()
        return try result.get()
    }

    /// Drops chunk `c` (called by the loader when an epoch will not touch it again).
    func evict(_ c: Int) {
        cond.lock()
        if let e = entries.removeValue(forKey: c) { resident -= e.chunk.residentBytes }
        cond.unlock()
    }
}
