import DataStore
import Foundation
import Objectives
import Support
import TensorCore

/// A teacher-logit cache (`retort cache-logits`, exact mode): the teachers' target logits for
/// exactly the views a student run draws, one entry per (global step, sample of the batch), in the
/// order the run reads them. It is a Retort store (zstd chunks, checksums: `retort store
/// inspect`/`verify` work on it) with one stored sample per global step (its sample id is the step)
/// holding the step's n views (n = `data.batch_size`; fewer for a last partial batch) in three bytes fields:
/// - `logits`: per view, the top-k target logits, largest first, then the log-sum-exp of all C logits,
///   as little-endian F16 or F32 (n × (k + 1) values); with k = C, the C logits in class order, then the lse;
/// - `classes`: per view, the k class ids as little-endian UInt16 (n × k; empty when k = C);
/// - `samples`: per view, the store sample id, little-endian UInt64 (checked against the batch);
/// - `means`: for an ensemble, per view the mean of the teachers' raw logits (C values; MEAL V2's
///   discriminator input), else empty.
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
        /// `exact`: one entry per step and sample of the run; `pool`: `poolSize` recorded views per sample.
        public var mode = "exact"
        /// Pool mode: the recorded views per sample (nil in exact mode).
        public var poolSize: Int?
        /// Pool mode: the recipe's views per sample, each recorded (nil in exact mode).
        public var viewCount: Int?
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
        /// The teachers' recipe entries, so a student run from the cache can load them for its held-out
        /// teacher–student metrics (`Distilling`); nil in caches made without them.
        public var teacherOptions: [TeacherOptions]?

        /// A header (the format, version and mode are fixed).
        public init(topK: Int, dtype: ValueType, classes: Int, steps: Int, batchSize: Int, identity: [String: String], teachers: [String]) {
            self.topK = topK
            self.dtype = dtype
            self.classes = classes
            self.steps = steps
            self.batchSize = batchSize
            self.identity = identity
            self.teachers = teachers
        }

        /// The header of a cache of `recipe`'s teachers (their architectures and recipe entries recorded).
        init(recipe: Recipe, topK: Int, dtype: ValueType, steps: Int, identity: [String: String]) throws {
            self.init(
                topK: topK, dtype: dtype, classes: recipe.model.classes, steps: steps, batchSize: recipe.data.batchSize, identity: identity,
                teachers: recipe.objective.options.models.map { "\($0.path.joined(separator: ".")): \($0.options.backbone)" })
            teacherOptions = recipe.objective.options.teacherEntries
        }

        /// The store schema of a cache with this header (the header as canonical JSON in `source`).
        public func schema() throws -> StoreSchema {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]  // the same bytes in every process (a resumed call's segments match)
            return StoreSchema(
                fields: mode == "pool" ? TeacherCache.poolFields : TeacherCache.fields, hasLabels: false,
                source: String(decoding: try encoder.encode(self), as: UTF8.self))
        }
    }

    /// The fields of an entry.
    static let fields = [
        FieldSpec(name: "logits", kind: .bytes), FieldSpec(name: "classes", kind: .bytes),
        FieldSpec(name: "samples", kind: .bytes), FieldSpec(name: "means", kind: .bytes),
    ]
    /// The fields of a pool record (views in place of sample ids).
    static let poolFields = [
        FieldSpec(name: "logits", kind: .bytes), FieldSpec(name: "classes", kind: .bytes),
        FieldSpec(name: "views", kind: .bytes), FieldSpec(name: "means", kind: .bytes),
    ]

    /// The identity of the views a run of `recipe` draws and the teachers see (view `teacherView`):
    /// what a cache must have been made for. A pool (`pool`) holds views per sample, so the batch
    /// size, order and seed of the student run do not enter it (nor may it mix batches or add a store).
    static func identity(recipe: Recipe, teacherView: Int, pool: Bool = false) throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        func store(_ path: String) throws -> String {
            let r = try StoreReader(path: path)
            return String(format: "%016llx (%d samples)", r.fingerprint, r.count)
        }
        let d = recipe.data
        if pool {
            return [
                "data.train": try store(d.train), "data.val_fraction": "\(d.valFraction)", "data.views": try json(d.views),
                "data.normalize": try json(d.normalize), "model.in_channels": "\(recipe.model.inChannels)",
                "teacher view": "\(teacherView)", "train.seed (of the validation split)": "\(d.valFraction > 0 ? recipe.train.seed : 0)",
            ]
        }
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
public struct TeacherCacheReader: Sendable {
    /// The header.
    public let header: TeacherCache.Header
    let store: StoreReader
    let targets: TeacherCacheOptions.Targets
    /// Pool mode: the stored row of each sample id, and the seed that picks a recorded view per epoch.
    var poolRows: [UInt64: Int] = [:]
    var poolSeed: UInt64 = 0

    /// Opens the cache at `path` (its header read, no run checked against it) with `targets` for the
    /// classes outside the top-k.
    public init(path: String, targets: TeacherCacheOptions.Targets = .renormalized) throws {
        store = try StoreReader(path: path)
        self.targets = targets
        header = try Self.header(of: store)
        if header.mode == "pool" { for i in 0..<store.count { poolRows[store.sampleID(i)] = i } }
    }

    /// The header of the cache at `path` (nothing else read).
    public static func header(at path: String) throws -> TeacherCache.Header { try header(of: StoreReader(path: path)) }

    private static func header(of store: StoreReader) throws -> TeacherCache.Header {
        guard let data = store.schema.source.data(using: .utf8), let h = try? JSONDecoder().decode(TeacherCache.Header.self, from: data),
            h.format == "retort-teacher-cache"
        else {
            throw TrainError.incompatibleData("\(store.path) is not a teacher cache (retort cache-logits writes one)")
        }
        return h
    }

    /// Opens the cache `options.path` for a run of `recipe` whose teachers see view `teacherView`
    /// and that takes `steps` steps (nil: checked later with `requireSteps`); throws naming what
    /// differs when the cache was made for another run.
    public init(options: TeacherCacheOptions, recipe: Recipe, teacherView: Int, steps: Int?) throws {
        try self.init(path: options.path, targets: options.targets)
        let h = header
        if h.mode == "pool" {
            guard recipe.data.mix == nil, recipe.data.extra == nil else {
                throw TrainError.incompatibleData(
                    "teacher cache \(options.path) is a pool of recorded views per sample; it cannot serve data.mix or data.extra")
            }
            poolSeed = recipe.train.seed
        }
        let expected = try TeacherCache.identity(recipe: recipe, teacherView: teacherView, pool: h.mode == "pool")
        for key in expected.keys.sorted() where h.identity[key] != expected[key] {
            throw TrainError.incompatibleData(
                "teacher cache \(options.path) was made for another \(key): "
                    + "the cache has \(h.identity[key] ?? "none"), this run \(expected[key]!)")
        }
        guard h.classes == recipe.model.classes else {
            throw TrainError.incompatibleData("teacher cache \(options.path) holds \(h.classes) classes, model.classes is \(recipe.model.classes)")
        }
        if let steps { try requireSteps(steps) }
    }

    /// Throws unless the cache covers a run of `steps` steps (a pool covers any).
    public func requireSteps(_ steps: Int) throws {
        guard header.mode == "pool" || (header.steps >= steps && store.count == header.steps) else {
            throw TrainError.incompatibleData(
                "teacher cache \(store.path) covers \(header.steps) steps (\(store.count) stored), this run takes \(steps)")
        }
    }

    /// The target logits `[N, C]` of step `step`'s batch (in `epoch`), whose samples are `sampleIDs`: in
    /// an exact cache, rows `offset ..< offset + N` of the step's cached global batch (a data-parallel
    /// rank's share; 0 on one process).
    public func outputs(step: Int, epoch: Int = 0, sampleIDs: [UInt64], offset: Int = 0) throws -> TeacherOutputs {
        if header.mode == "pool" { return try poolOutputs(epoch: epoch, sampleIDs: sampleIDs) }
        let c = header.classes
        let k = header.topK
        let n = sampleIDs.count
        let all = LittleEndian.values(UInt64.self, from: try store.bytes(sample: step, field: 2))
        // A data-parallel rank's batch is rows offset ..< offset + n of the step's global batch.
        let ids = offset + n <= all.count ? Array(all[offset..<(offset + n)]) : all
        guard ids == sampleIDs else {
            let i = (0..<min(ids.count, n)).first { ids[$0] != sampleIDs[$0] } ?? min(ids.count, n)
            throw TrainError.incompatibleData(
                "teacher cache \(store.path): step \(step) holds "
                    + (i < min(ids.count, n)
                        ? "sample \(ids[i]) at view \(i), the batch has \(sampleIDs[i])" : "\(ids.count) views, the batch has \(n)"))
        }
        let values = TeacherCache.decode(try store.bytes(sample: step, field: 0), as: header.dtype)
        let classes = k == c ? nil : TeacherCache.decodeClasses(try store.bytes(sample: step, field: 1))
        var logits = [Float]()
        logits.reserveCapacity(n * c)
        for i in offset..<(offset + n) {
            let row = values[i * (k + 1)..<(i + 1) * (k + 1)]
            logits += TeacherCache.targetRow(
                values: Array(row.dropLast()), logSumExp: row.last!, classes: classes.map { Array($0[i * k..<(i + 1) * k]) },
                classCount: c, targets: targets)
        }
        let means = TeacherCache.decode(try store.bytes(sample: step, field: 3), as: header.dtype)
        return TeacherOutputs(
            logits: Tensor(shape: [n, c], scalars: logits),
            meanLogits: means.isEmpty ? nil : Tensor(shape: [n, c], scalars: Array(means[(offset * c)..<((offset + n) * c)])))
    }
}

extension TeacherCache {
    /// One entry's target logits `[C]` from its top-k `values` (largest first; all C in class order when
    /// `classes` is nil), their `classes` and the log-sum-exp of all C logits (see `TeacherCacheOptions`).
    public static func targetRow(
        values: [Float], logSumExp: Float, classes: [Int]?, classCount c: Int,
        targets: TeacherCacheOptions.Targets
    ) -> [Float] {
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
        type == .f16
            ? LittleEndian.values(UInt16.self, from: bytes).map { Float(Float16(bitPattern: $0)) }
            : LittleEndian.values(UInt32.self, from: bytes).map { Float(bitPattern: $0) }
    }

    /// Float → little-endian values of `type`.
    static func encode(_ values: [Float], as type: ValueType) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * type.size)
        for v in values {
            if type == .f16 { LittleEndian.append(Float16(v).bitPattern, to: &out) } else { LittleEndian.append(v.bitPattern, to: &out) }
        }
        return out
    }

    /// Little-endian UInt16 class ids.
    static func decodeClasses(_ bytes: [UInt8]) -> [Int] {
        LittleEndian.values(UInt16.self, from: bytes).map(Int.init)
    }
}
