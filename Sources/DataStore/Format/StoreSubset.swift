import Foundation
import Support

/// Which samples `StoreSubset` keeps.
public enum SubsetSelection: Sendable, Equatable {
    /// A seeded uniform random subset of round(fraction * count) samples (half away from zero), 0 < fraction <= 1.
    case fraction(Double)
    /// The first `n` samples of each label (labels >= 0) in a seeded shuffle of the store; a class
    /// with fewer samples is kept whole. Needs a store with labels.
    case perClass(Int)
    /// The samples whose ids are listed in a text file: one decimal id per line; blank lines and
    /// `#` comments (whole-line or trailing) are ignored. An unknown, duplicate or malformed id is an error.
    case idsFile(String)
}

/// Every failure of `StoreSubset` (store read/write errors come through as `StoreError`).
public enum StoreSubsetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `--fraction` outside (0, 1].
    case invalidFraction(Double)
    /// `--per-class` below 1.
    case invalidPerClass(Int)
    /// A per-class selection on a store without labels.
    case noLabels(path: String)
    /// The ids file could not be read.
    case unreadableIDsFile(path: String, detail: String)
    /// A line of the ids file is not a decimal sample id.
    case malformedID(path: String, line: Int, text: String)
    /// An id in the ids file is not in the store.
    case unknownID(path: String, line: Int, id: UInt64, store: String)
    /// An id listed twice in the ids file.
    case duplicateID(path: String, line: Int, id: UInt64, firstLine: Int)
    /// The selection keeps no sample.
    case emptySelection(String)
    /// The output path is the input store.
    case outputIsInput(path: String)

    /// A one-line message naming the file (and line) at fault.
    public var description: String {
        switch self {
        case .invalidFraction(let f): return "subset: fraction \(f) is not in (0, 1]"
        case .invalidPerClass(let n): return "subset: per-class count \(n) must be at least 1"
        case .noLabels(let p): return "\(p): store has no labels; --per-class needs labels"
        case .unreadableIDsFile(let p, let d): return "\(p): cannot read ids file: \(d)"
        case .malformedID(let p, let l, let t): return "\(p):\(l): not a sample id: '\(t)'"
        case .unknownID(let p, let l, let id, let s): return "\(p):\(l): sample id \(id) is not in \(s)"
        case .duplicateID(let p, let l, let id, let f): return "\(p):\(l): sample id \(id) is listed twice (first on line \(f))"
        case .emptySelection(let d): return "subset: \(d) selects no samples"
        case .outputIsInput(let p): return "subset: output \(p) is the input store"
        }
    }
}

/// Writes a new store holding a subset of another's samples: same schema and fields, every
/// sample's bytes copied verbatim (no re-encoding), sample ids kept, stored in input order, through
/// `StoreWriter` (checksummed; atomic: a failed write leaves no output). Output is byte-identical
/// for the same input, selection and seed.
public enum StoreSubset {
    /// The positions (ascending, i.e. stored order) that `selection` keeps in `store`.
    public static func select(_ store: StoreReader, _ selection: SubsetSelection, seed: UInt64 = 0) throws -> [Int] {
        let n = store.count
        switch selection {
        case .fraction(let f):
            guard f > 0, f <= 1, f.isFinite else { throw StoreSubsetError.invalidFraction(f) }
            let k = Int((f * Double(n)).rounded(.toNearestOrAwayFromZero))
            guard k > 0 else { throw StoreSubsetError.emptySelection("fraction \(f) of \(n) samples") }
            var all = Array(0..<n)
            var rng = Philox(seed: seed, keys: [0x5355_4246])  // 'SUBF'
            // Partial Fisher-Yates: the first k slots are a uniform k-subset.
            for i in 0..<min(k, n - 1) { all.swapAt(i, i + rng.nextInt(below: n - i)) }
            return Array(all[0..<k]).sorted()
        case .perClass(let per):
            guard per >= 1 else { throw StoreSubsetError.invalidPerClass(per) }
            guard store.schema.hasLabels else { throw StoreSubsetError.noLabels(path: store.path) }
            var order = Array(0..<n)
            var rng = Philox(seed: seed, keys: [0x5355_4243])  // 'SUBC'
            EpochOrder.shuffle(&order, &rng)
            var taken: [Int32: Int] = [:]
            var out: [Int] = []
            for i in order {
                let l = store.label(i)
                guard l >= 0 else { continue }
                let t = taken[l, default: 0]
                if t < per {
                    taken[l] = t + 1
                    out.append(i)
                }
            }
            guard !out.isEmpty else { throw StoreSubsetError.emptySelection("per-class \(per) (no labelled samples)") }
            return out.sorted()
        case .idsFile(let path):
            let ids = try parseIDsFile(path)
            var byID: [UInt64: Int] = [:]
            byID.reserveCapacity(n)
            for i in 0..<n { byID[store.sampleID(i)] = i }
            var firstLine: [UInt64: Int] = [:]
            var out: [Int] = []
            out.reserveCapacity(ids.count)
            for (line, id) in ids {
                if let f = firstLine[id] { throw StoreSubsetError.duplicateID(path: path, line: line, id: id, firstLine: f) }
                firstLine[id] = line
                guard let i = byID[id] else { throw StoreSubsetError.unknownID(path: path, line: line, id: id, store: store.path) }
                out.append(i)
            }
            guard !out.isEmpty else { throw StoreSubsetError.emptySelection("ids file \(path)") }
            return out.sorted()
        }
    }

    /// The (line number, id) pairs of an ids file (1-based lines; blank lines and `#` comments skipped).
    public static func parseIDsFile(_ path: String) throws -> [(line: Int, id: UInt64)] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw StoreSubsetError.unreadableIDsFile(path: path, detail: error.localizedDescription)
        }
        var out: [(line: Int, id: UInt64)] = []
        let text = String(decoding: data, as: UTF8.self)
        for (k, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let t = line.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if t.isEmpty { continue }
            guard t.allSatisfy({ $0.isASCII && $0.isNumber }), let id = UInt64(t) else {
                throw StoreSubsetError.malformedID(path: path, line: k + 1, text: String(raw))
            }
            out.append((k + 1, id))
        }
        return out
    }

    /// A one-line description of a selection, for the provenance.
    public static func describe(_ selection: SubsetSelection, seed: UInt64) -> String {
        switch selection {
        case .fraction(let f): return "fraction \(f), seed \(seed)"
        case .perClass(let n): return "per-class \(n), seed \(seed)"
        case .idsFile(let p): return "ids from \((p as NSString).lastPathComponent)"
        }
    }

    /// Copies samples `positions` (in that order) of `store` to a new store at `path`.
    /// `dropLabels` writes `hasLabels = false`, no class names and label -1. `note` is appended to
    /// the provenance (`schema.source`), which otherwise records the input's source and fingerprint.
    @discardableResult
    public static func write(
        _ store: StoreReader, positions: [Int], to path: String, dropLabels: Bool = false,
        note: String = ""
    ) throws -> StoreSummary {
        let resolved = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let input = URL(fileURLWithPath: store.path).standardizedFileURL.resolvingSymlinksInPath().path
        guard resolved != input else { throw StoreSubsetError.outputIsInput(path: path) }
        for p in positions where p < 0 || p >= store.count {
            throw StoreError.invalidArgument("\(store.path): subset position \(p) outside 0..<\(store.count)")
        }
        var schema = StoreSchema(
            fields: store.schema.fields, hasLabels: store.schema.hasLabels && !dropLabels,
            classNames: dropLabels ? [] : store.schema.classNames, source: "",
            shuffleSeed: store.schema.shuffleSeed, chunkBytes: store.schema.chunkBytes,
            zstdLevel: store.schema.zstdLevel)
        let base = store.schema.source.isEmpty ? "(no source)" : store.schema.source
        schema.source =
            "subset of [\(base)] (fingerprint \(String(format: "%016llx", store.fingerprint)), \(store.count) samples): "
            + "\(positions.count) samples" + (note.isEmpty ? "" : ", \(note)") + (dropLabels ? ", labels dropped" : "")
        let fields = store.schema.fields
        return try StoreWriter.write(to: path, schema: schema) { w in
            for i in positions {
                var values: [FieldValue] = []
                values.reserveCapacity(fields.count)
                for (f, spec) in fields.enumerated() {
                    let bytes = try store.bytes(sample: i, field: f)
                    switch spec.kind {
                    case .image:
                        guard let info = try store.imageInfo(sample: i, field: f) else {
                            throw StoreError.invalidArgument("\(store.path): field \(spec.name) is not an image field")
                        }
                        if info.codec == .raw {
                            guard bytes.count == info.height * info.width * info.channels else {
                                throw StoreError.sampleDecode(
                                    path: store.path, sample: i, field: spec.name,
                                    detail: "\(bytes.count) bytes for a \(info.height)x\(info.width)x\(info.channels) image")
                            }
                            values.append(.image(RawImage(height: info.height, width: info.width, channels: info.channels, pixels: bytes)))
                        } else {
                            values.append(
                                .encodedImage(
                                    codec: info.codec, bytes: bytes, height: info.height, width: info.width,
                                    channels: info.channels))
                        }
                    case .int32Array, .float32Array:
                        guard bytes.count % 4 == 0 else {
                            throw StoreError.sampleDecode(
                                path: store.path, sample: i, field: spec.name, detail: "length \(bytes.count) not a multiple of 4")
                        }
                        // Bit copies (no arithmetic): the written bytes equal the stored ones.
                        if spec.kind == .int32Array {
                            values.append(
                                .ints(
                                    bytes.withUnsafeBytes { b in
                                        (0..<(bytes.count / 4)).map { b.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self) }
                                    }))
                        } else {
                            values.append(
                                .floats(
                                    bytes.withUnsafeBytes { b in
                                        (0..<(bytes.count / 4)).map { b.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
                                    }))
                        }
                    case .bytes:
                        values.append(.bytes(bytes))
                    case .text:
                        guard let s = String(validating: bytes, as: UTF8.self) else {
                            throw StoreError.sampleDecode(path: store.path, sample: i, field: spec.name, detail: "invalid UTF-8")
                        }
                        values.append(.text(s))
                    }
                }
                try w.append(StoreSample(id: store.sampleID(i), label: dropLabels ? -1 : store.label(i), values: values))
            }
        }
    }

    /// Reads `input`, selects with `selection` and `seed`, and writes the subset to `output`; with
    /// `complement`, the samples the selection leaves out instead (the same selection and seed with and
    /// without it split the store into two disjoint parts, e.g. a labelled and an unlabelled one).
    @discardableResult
    public static func subset(
        input: String, output: String, selection: SubsetSelection, seed: UInt64 = 0,
        dropLabels: Bool = false, complement: Bool = false
    ) throws -> StoreSummary {
        let store = try StoreReader(path: input, cacheBytes: 64 << 20)
        var positions = try select(store, selection, seed: seed)
        var note = describe(selection, seed: seed)
        if complement {
            let kept = Set(positions)
            positions = (0..<store.count).filter { !kept.contains($0) }
            note = "the complement of " + note
            guard !positions.isEmpty else { throw StoreSubsetError.emptySelection("the complement of \(describe(selection, seed: seed))") }
        }
        return try write(store, positions: positions, to: output, dropLabels: dropLabels, note: note)
    }
}
