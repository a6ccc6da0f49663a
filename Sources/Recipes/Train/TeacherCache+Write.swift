import Backbones
import DataStore
import Foundation
import NN
import Objectives
import Support
import TensorCore

extension TeacherCache {
    /// What `write` made.
    public struct Summary: Sendable {
        /// The cache file.
        public var path: String
        /// Its header.
        public var header: Header
        /// Its size in bytes.
        public var fileBytes: Int
        /// Segments computed by this call (the others were there from a killed call).
        public var segmentsComputed: Int
    }

    /// Runs the recipe's teachers once over exactly the views its student run draws (the same loader,
    /// seeds and steps) and writes their target logits, top `topK` (nil: all classes) in `dtype`, to
    /// the cache `path` (see `TeacherCache`). Work is kept in segments of `segmentSteps` steps under
    /// `path + ".partial"`, each written atomically: a killed call continues at the first missing
    /// segment, and the finished file (merged in order, written atomically) is byte-identical to an
    /// uninterrupted call's. `stopAfterSegments` is a test hook (stop as if killed).
    /// With `pool`, a pool cache of that many recorded views per sample instead (`TeacherCache+Pool.swift`).
    @discardableResult
    public static func write(
        recipe: Recipe, to path: String, topK: Int?, dtype: ValueType, pool: Int? = nil, segmentSteps: Int = 64,
        log: @escaping (String) -> Void = { _ in }, stopAfterSegments: Int? = nil
    ) throws -> Summary {
        let backbone = try recipe.trainedModel.makeInitialBackbone(seed: recipe.train.seed)
        var setup = ObjectiveSetup(recipe: recipe)
        let objective = try recipe.objective.options.makeObjective(model: backbone, setup: &setup)
        return try write(
            objective, recipe: recipe, to: path, topK: topK, dtype: dtype, pool: pool, segmentSteps: segmentSteps, log: log,
            stopAfterSegments: stopAfterSegments)
    }

    private static func write<O: Objective>(
        _ objective: O, recipe: Recipe, to path: String, topK: Int?, dtype: ValueType, pool: Int?,
        segmentSteps: Int, log: (String) -> Void, stopAfterSegments: Int?
    ) throws -> Summary {
        guard let distilling = objective as? any Distilling, distilling.teachers.count > 0 else {
            throw TrainError.incompatibleData(
                "objective '\(recipe.objective.name)' has no teachers to cache (a distillation objective with `teachers:`)")
        }
        let classes = recipe.model.classes
        let k = min(topK ?? classes, classes)
        guard k >= 1, classes <= Int(UInt16.max) else { throw TrainError.incompatibleData("cache-logits: --top-k must be >= 1, got \(k)") }
        if let pool {
            guard pool >= 1 else { throw TrainError.incompatibleData("cache-logits: --pool must be >= 1, got \(pool)") }
            return try writePool(
                objective, teachers: distilling.teachers, teacherView: distilling.teacherViewIndex, recipe: recipe, to: path,
                topK: k, dtype: dtype, pool: pool, log: log, stopAfterSegments: stopAfterSegments)
        }
        var teachers = distilling.teachers
        let data = try TrainingData(recipe: recipe, objective: objective)
        let header = try Header(
            recipe: recipe, topK: k, dtype: dtype, steps: data.totalSteps,
            identity: try identity(recipe: recipe, teacherView: distilling.teacherViewIndex))
        let segmentCount = (data.totalSteps + segmentSteps - 1) / segmentSteps
        let start = Date()
        return try writeSegments(segmentCount, header: header, to: path, stopAfter: stopAfterSegments) { segment, computed, w in
            let steps = segment * segmentSteps..<min((segment + 1) * segmentSteps, data.totalSteps)
            try forEachBatch(data, steps: steps) { step, batch in
                let all = teachers.logits(batch.views[distilling.teacherViewIndex], rng: Philox(seed: 0))
                try w.append(
                    StoreSample(
                        id: UInt64(step), label: -1,
                        values: entries(
                            TeacherEnsemble.targetLogits(all), topK: k, dtype: dtype,
                            sampleIDs: batch.sampleIDs, means: meanLogits(all))))
            }
            let done = Double(steps.upperBound)
            let rate = Double((computed + 1) * segmentSteps) / max(Date().timeIntervalSince(start), 1e-9)
            log(
                String(
                    format: "cache-logits: step %d of %d (segment %d of %d), %.1f steps/s, ETA %.0f s", steps.upperBound, data.totalSteps,
                    segment + 1, segmentCount, rate, (Double(data.totalSteps) - done) / max(rate, 1e-9)))
        } merge: { parts, w in
            for r in parts {  // the steps in order
                for i in 0..<r.count {
                    try w.append(
                        StoreSample(
                            id: r.sampleID(i), label: -1, values: try (0..<r.schema.fields.count).map { .bytes(try r.bytes(sample: i, field: $0)) }))
                }
            }
        }
    }

    /// Writes `count` segments under `path + ".partial"` (segment `i` by `body(i, segments computed so
    /// far, writer)`, each atomically; a segment already there from a killed call is kept when it was made
    /// with the same header, else an error), then the cache `path` from all of them by `merge`
    /// (atomically), and removes the segments. `stopAfter` is the test hook (stop as if killed).
    static func writeSegments(
        _ count: Int, header: Header, to path: String, stopAfter: Int?,
        _ body: (Int, Int, StoreWriter) throws -> Void,
        merge: ([StoreReader], StoreWriter) throws -> Void
    ) throws -> Summary {
        let schema = try header.schema()
        let partial = URL(fileURLWithPath: path + ".partial")
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        func segment(_ i: Int) -> String { partial.appendingPathComponent(String(format: "segment-%06d.rstore", i)).path }
        var computed = 0
        for i in 0..<count {
            if FileManager.default.fileExists(atPath: segment(i)) {
                let existing = try StoreReader(path: segment(i)).schema
                guard existing.source == schema.source, existing.fields == schema.fields else {
                    throw TrainError.incompatibleData("\(segment(i)) was begun with other settings; delete \(partial.path) to start over")
                }
                continue
            }
            if let stop = stopAfter, computed >= stop { throw CancellationError() }
            try StoreWriter.write(to: segment(i), schema: schema) { try body(i, computed, $0) }
            computed += 1
        }
        let parts = try (0..<count).map { try StoreReader(path: segment($0)) }
        let summary = try StoreWriter.write(to: path, schema: schema) { try merge(parts, $0) }
        try FileManager.default.removeItem(at: partial)
        return Summary(path: path, header: header, fileBytes: summary.fileBytes, segmentsComputed: computed)
    }

    /// Calls `body` with each global step of `steps` and its training batch, as the run draws them.
    private static func forEachBatch(_ data: TrainingData, steps: Range<Int>, _ body: (Int, TrainingBatch) throws -> Void) throws {
        var step = steps.lowerBound
        while step < steps.upperBound {
            let epoch = step / data.stepsPerEpoch
            let it = try data.batches.epoch(epoch, startingAt: step % data.stepsPerEpoch, globalStep: step)
            while step < steps.upperBound, let loaded = try it.next() {
                try body(step, TrainingBatch(loaded))
                step += 1
            }
            guard step >= (epoch + 1) * data.stepsPerEpoch || step == steps.upperBound else {
                throw TrainError.incompatibleData("cache-logits: epoch \(epoch) ended early at step \(step)")
            }
        }
    }

    /// The ensemble's mean raw logits when there are several teachers (MEAL V2's discriminator input), else nil.
    static func meanLogits(_ all: [Tensor]) -> Tensor? { all.count > 1 ? TeacherEnsemble.meanLogits(all) : nil }

    /// The stored fields of one step from its target `logits` `[N, C]`: per view the top-k values
    /// (largest first; all C in class order when k = C) and the log-sum-exp in `dtype`, the k class
    /// ids, the sample id, and the ensemble's mean logits `means` when given (see `TeacherCache`).
    public static func entries(_ logits: Tensor, topK k: Int, dtype: ValueType, sampleIDs: [UInt64], means: Tensor? = nil) -> [FieldValue] {
        let c = logits.shape[1]
        let z = logits.scalars
        var values: [Float] = []
        var classes: [UInt8] = []
        var ids: [UInt8] = []
        for (i, id) in sampleIDs.enumerated() {
            let row = Array(z[i * c..<(i + 1) * c])
            let m = row.max() ?? 0
            let lse = m + Foundation.log(row.reduce(Float(0)) { $0 + Foundation.exp($1 - m) })
            let order = k == c ? Array(0..<c) : Array(row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(k))
            values += order.map { row[$0] } + [lse]
            if k < c { for j in order { LittleEndian.append(UInt16(j), to: &classes) } }
            LittleEndian.append(id, to: &ids)
        }
        return [.bytes(encode(values, as: dtype)), .bytes(classes), .bytes(ids), .bytes(means.map { encode($0.scalars, as: dtype) } ?? [])]
    }
}
