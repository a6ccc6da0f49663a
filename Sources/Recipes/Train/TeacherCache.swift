import DataStore
import Foundation
import Objectives
import TensorCore

/// A teacher-logit cache (`retort cache-logits`, exact mode): the teachers' target logits for
/// exactly the views a student run draws, one entry per (global step, sample of the batch), in the
/// order the run reads them. It is a Retort store (zstd chunks, checksums: `retort store
/// inspect`/`verify` work on it) with one stored sample per global step (its sample id is the step)
/// holding the step's n views (n = `data.batch_size`; fewer for a last partial batch) in three bytes fields:
/// - `logits`: per view, the top-k target logits, largest first, then the log-sum-exp of all C logits,
///   as little-endian F16 or F32 (n × (k + 1) values); with k = C, the C logits in class order, then the lse;
/// - `classes`: per view, the k class ids as little-endian UInt16 (n × k; empty when k = C);
/// - `samples`: per view, the store sample id, little-endian UInt64 (checked against the batch).
/// The schema's `source` is the header (`TeacherCache.Header`, JSON): the run identity it was made for
/// (store fingerprints, data and augmentation sections, seed, teacher view), k, the value type, the
/// steps covered and the teachers. With k = 10 in F16 a view costs 2·10 + 2·10 = 40 bytes of logits and
/// ids (+ 2 for the lse, + 8 for the sample id) before compression, and the store's index 48 bytes per step.
public enum TeacherCache {
    /// The stored value type.
    public enum ValueType: String, Codable, Sendable, CaseIterable {
        /// IEEE half precision (cosine ≥ 0.9999 with the F32 logits).
        case f16
        /// IEEE single precision (the live logits exactly).
        case f32

        /// Bytes per value.
        var size: Int { self == .f16 ? 2 : 4 }
    }

    /// What a cache was made for and holds (the store schema's `source`, as JSON).
    public struct Header: Codable, Equatable, Sendable {
        /// Always `retort-teacher-cache`.
        public var format = "retort-teacher-cache"
        /// The format version.
        public var version = 1
        /// `exact`: one entry per step and sample of the run.
        public var mode = "exact"
        /// Logits kept per entry.
        public var topK: Int
        /// Their type.
        public var dtype: ValueType
        /// The class count C.
        public var classes: Int
        /// Global steps covered (from 0).
        public var steps: Int
        /// Entries per step (`data.batch_size`).
        public var batchSize: Int
        /// The run identity: key → value; a student run must match every one (`identity`).
        public var identity: [String: String]
        /// The teachers (checkpoint and model), for provenance.
        public var teachers: [String]
    }

    /// The fields of an entry.
    static let fields = [FieldSpec(name: "logits", kind: .bytes), FieldSpec(name: "classes", kind: .bytes),
                         FieldSpec(name: "samples", kind: .bytes)]

    /// The identity of the views a run of `recipe` draws and the teachers see (view `teacherView`):
    /// what a cache must have been made for.
    static func identity(recipe: Recipe, teacherView: Int) throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        func store(_ path: String) throws -> String {
            let r = try StoreReader(path: path)
            return String(format: "%016llx (%d samples)", r.fingerprint, r.count)
        }
        let d = recipe.data
        return [
            "data.train": try store(d.train),
            "data.extra": try d.extra.map { "\(try store($0.store)), fraction \($0.fraction)" } ?? "none",
            "data.batch_size": "\(d.batchSize)", "data.order": d.order.rawValue, "data.drop_last": "\(d.dropLast)",
            "data.val_fraction": "\(d.valFraction)", "data.views": try json(d.views), "data.normalize": try json(d.normalize),
            "data.mix": try json(d.mix), "model.in_channels": "\(recipe.model.inChannels)", "train.seed": "\(recipe.train.seed)",
            "teacher view": "\(teacherView)",
        ]
    }
}

/// Reads a teacher cache for a student run: checks that it was made for this run's views, then gives
/// each step's `TeacherOutputs`.
public struct TeacherCacheReader {
    /// The header.
    public let header: TeacherCache.Header
    private let store: StoreReader
    private let targets: TeacherCacheOptions.Targets

    /// Opens the cache `options.path` for a run of `recipe` whose teachers see view `teacherView`
    /// and that takes `steps` steps; throws naming what differs when the cache was made for another run.
    public init(options: TeacherCacheOptions, recipe: Recipe, teacherView: Int, steps: Int) throws {
        store = try StoreReader(path: options.path)
        targets = options.targets
        guard let data = store.schema.source.data(using: .utf8), let h = try? JSONDecoder().decode(TeacherCache.Header.self, from: data),
              h.format == "retort-teacher-cache" else {
            throw TrainError.incompatibleData("\(options.path) is not a teacher cache (retort cache-logits writes one)")
        }
        header = h
        let expected = try TeacherCache.identity(recipe: recipe, teacherView: teacherView)
        for key in expected.keys.sorted() where h.identity[key] != expected[key] {
            throw TrainError.incompatibleData("teacher cache \(options.path) was made for another \(key): "
                + "the cache has \(h.identity[key] ?? "none"), this run \(expected[key]!)")
        }
        guard h.classes == recipe.model.classes else {
            throw TrainError.incompatibleData("teacher cache \(options.path) holds \(h.classes) classes, model.classes is \(recipe.model.classes)")
        }
        guard h.steps >= steps, store.count == h.steps else {
            throw TrainError.incompatibleData("teacher cache \(options.path) covers \(h.steps) steps (\(store.count) stored), this run takes \(steps)")
        }
    }

    /// The target logits `[N, C]` of step `step`'s batch, whose samples are `sampleIDs`.
    public func outputs(step: Int, sampleIDs: [UInt64]) throws -> TeacherOutputs {
        let c = header.classes, k = header.topK, n = sampleIDs.count
        let ids = try store.bytes(sample: step, field: 2).withUnsafeBytes { raw in
            (0..<(raw.count / 8)).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)) }
        }
        guard ids == sampleIDs else {
            let i = (0..<min(ids.count, n)).first { ids[$0] != sampleIDs[$0] } ?? min(ids.count, n)
            throw TrainError.incompatibleData("teacher cache \(store.path): step \(step) holds "
                + (i < min(ids.count, n) ? "sample \(ids[i]) at view \(i), the batch has \(sampleIDs[i])" : "\(ids.count) views, the batch has \(n)"))
        }
        let values = TeacherCache.decode(try store.bytes(sample: step, field: 0), as: header.dtype)
        let classes = k == c ? nil : TeacherCache.decodeClasses(try store.bytes(sample: step, field: 1))
        var logits = [Float]()
        logits.reserveCapacity(n * c)
        for i in 0..<n {
            let row = values[i * (k + 1)..<(i + 1) * (k + 1)]
            logits += TeacherCache.targetRow(values: Array(row.dropLast()), logSumExp: row.last!, classes: classes.map { Array($0[i * k..<(i + 1) * k]) },
                                             classCount: c, targets: targets)
        }
        return TeacherOutputs(logits: Tensor(shape: [n, c], scalars: logits))
    }
}

extension TeacherCache {
    /// One entry's target logits `[C]` from its top-k `values` (largest first; all C in class order when
    /// `classes` is nil), their `classes` and the log-sum-exp of all C logits (see `TeacherCacheOptions`).
    public static func targetRow(values: [Float], logSumExp: Float, classes: [Int]?, classCount c: Int,
                          targets: TeacherCacheOptions.Targets) -> [Float] {
        guard let classes else { return values }
        let fill: Float
        switch targets {
        case .renormalized:
            fill = (values.min() ?? 0) - 1e4
        case .uniformRest:
            let kept = values.reduce(Float(0)) { $0 + Foundation.exp($1 - logSumExp) }
            fill = logSumExp + Foundation.log(max(1 - kept, 1e-30) / Float(max(c - values.count, 1)))
        }
        var row = [Float](repeating: fill, count: c)
        for (v, k) in zip(values, classes) { row[k] = v }
        return row
    }

    /// Little-endian values of `type` → Float.
    static func decode(_ bytes: [UInt8], as type: ValueType) -> [Float] {
        bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / type.size)).map { i in
                type == .f16 ? Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                    : Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        }
    }

    /// Float → little-endian values of `type`.
    static func encode(_ values: [Float], as type: ValueType) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * type.size)
        for v in values {
            if type == .f16 {
                withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { out += $0 }
            } else {
                withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 }
            }
        }
        return out
    }

    /// Little-endian UInt16 class ids.
    static func decodeClasses(_ bytes: [UInt8]) -> [Int] {
        bytes.withUnsafeBytes { raw in (0..<(bytes.count / 2)).map { Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) } }
    }
}
