import Support

/// Builds the per-epoch sample order (global, then this rank's slice), a pure function of
/// (store layout, seed, epoch, world size).
enum EpochOrder {
    /// The global visiting order of stored sample positions: all of them, or only `positions`
    /// (sorted ascending, distinct). With every position listed the order equals the unrestricted one.
    static func global(
        _ store: StoreReader, field: Int, order: SampleOrder, seed: UInt64, epoch: Int,
        positions: [Int32]? = nil
    ) -> [Int32] {
        let n = positions?.count ?? store.count
        switch order {
        case .sequential:
            return positions ?? (0..<n).map { Int32($0) }
        case .random:
            var a = positions ?? (0..<n).map { Int32($0) }
            var rng = Philox(seed: seed, keys: [UInt64(epoch), 0x5241_4E44])
            shuffle(&a, &rng)
            return a
        case .quasiRandom(let window):
            var rng = Philox(seed: seed, keys: [UInt64(epoch), 0x5155_4153])
            var chunks: [(Int, Int)] = []  // (first, count) of the field's chunks in stored order
            for c in 0..<store.chunkCount {
                let e = store.chunk(c)
                if Int(e.field) == field { chunks.append((Int(e.firstSample), Int(e.sampleCount))) }
            }
            var perm = Array(chunks.indices)
            shuffle(&perm, &rng)
            var result: [Int32] = []
            result.reserveCapacity(n)
            var open: [[Int32]] = []
            var next = 0
            func refill() {
                while open.count < max(window, 1) && next < perm.count {
                    let (first, count) = chunks[perm[next]]
                    next += 1
                    var s: [Int32]
                    if let positions {
                        s = Array(positions[lowerBound(positions, Int32(first))..<lowerBound(positions, Int32(first + count))])
                    } else {
                        s = (first..<(first + count)).map { Int32($0) }
                    }
                    shuffle(&s, &rng)
                    if !s.isEmpty { open.append(s) }
                }
            }
            refill()
            while !open.isEmpty {
                let k = rng.nextInt(below: open.count)
                result.append(open[k].removeLast())
                if open[k].isEmpty {
                    open.swapAt(k, open.count - 1)
                    open.removeLast()
                    refill()
                }
            }
            return result
        }
    }

    /// This rank's positions: for global batch b, positions b*G + r*B ..< b*G + (r+1)*B, where
    /// G = B * worldSize; the last partial global batch is dropped or padded by wrapping.
    static func rankSlice(_ global: [Int32], batch: Int, rank: Int, worldSize: Int, dropLast: Bool) -> [Int32] {
        let g = batch * worldSize
        let n = global.count
        guard n > 0 else { return [] }
        let batches = dropLast ? n / g : (n + g - 1) / g
        var out: [Int32] = []
        out.reserveCapacity(batches * batch)
        for b in 0..<batches {
            for k in 0..<batch { out.append(global[(b * g + rank * batch + k) % n]) }
        }
        return out
    }

    /// The first index of sorted `a` whose value is >= `x` (a.count when none).
    static func lowerBound(_ a: [Int32], _ x: Int32) -> Int {
        var lo = 0
        var hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func shuffle<T>(_ a: inout [T], _ rng: inout Philox) {
        if a.count < 2 { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, rng.nextInt(below: i + 1)) }
    }
}
