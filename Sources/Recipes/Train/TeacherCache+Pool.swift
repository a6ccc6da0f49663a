import DataStore
import Foundation
import NN
import Objectives
import Support
import TensorCore

/// Pool mode (FKD / ml-dr style): `poolSize` recorded views per training sample, drawn once with the
/// recipe's augmentation (pool entry r of a sample is the view the loader draws for it in epoch r),
/// each stored with its view parameters beside the teachers' top-k target; a student run picks one
/// entry per sample and epoch (`Philox(train.seed, [pool, epoch, id])`) and its loader renders exactly
/// that entry's recorded views (`LoaderConfig.replay`), so the cache does not grow with the epochs.
/// One stored sample per training sample (its sample id), fields `logits` (poolSize × (k + 1)),
/// `classes` (poolSize × k u16; empty when k = C), `views` (poolSize × views × the 64-byte
/// `ViewParams` record: 64 bytes per recorded view, beside the 2(k + 1) + 2k of its target) and
/// `means` (poolSize × C, an ensemble's mean logits; empty for one teacher).
extension TeacherCache {
    /// Writes the pool cache of `recipe` (see the extension's note); segments are pool passes.
    static func writePool<O: Objective>(
        _ objective: O, teachers: TeacherEnsemble, teacherView: Int, recipe: Recipe, to path: String, topK k: Int,
        dtype: ValueType, pool: Int, log: (String) -> Void, stopAfterSegments: Int?
    ) throws -> Summary {
        guard recipe.data.mix == nil, recipe.data.extra == nil else {
            throw TrainError.incompatibleData("cache-logits --pool: not with data.mix or data.extra (a pool records views per sample)")
        }
        var teachers = teachers
        let data = try TrainingData(recipe: recipe, objective: objective)
        let positions = data.split.trainPositions
        var header = try Header(
            recipe: recipe, topK: k, dtype: dtype, steps: 0,
            identity: try identity(recipe: recipe, teacherView: teacherView, pool: true))
        header.mode = "pool"
        header.poolSize = pool
        header.viewCount = recipe.data.viewCount
        var config = recipe.data.makeLoaderConfig(
            imageSize: (data.geometry.height, data.geometry.width), channels: recipe.model.inChannels,
            seed: recipe.train.seed, positions: data.split.isEmpty ? nil : positions)
        config.order = .sequential  // every training sample once per pass, in stored order
        config.dropLast = false
        let loader = try Loader(store: data.store, config: config)
        return try writeSegments(pool, header: header, to: path, stopAfter: stopAfterSegments) { r, _, w in
            let it = try loader.epoch(r)
            while let loaded = try it.next() {
                let batch = TrainingBatch(loaded)
                let all = teachers.logits(batch.views[teacherView], rng: Philox(seed: 0))
                let logits = TeacherEnsemble.targetLogits(all)
                let means = meanLogits(all)
                for i in 0..<batch.count {
                    let fields = entries(
                        logits.slice(alongAxis: 0, i..<(i + 1)), topK: k, dtype: dtype, sampleIDs: [batch.sampleIDs[i]],
                        means: means?.slice(alongAxis: 0, i..<(i + 1)))
                    let views = loaded.views.flatMap { $0.params[i].bytes }
                    try w.append(StoreSample(id: batch.sampleIDs[i], label: -1, values: [fields[0], fields[1], .bytes(views), fields[3]]))
                }
            }
            log("cache-logits: pool pass \(r + 1) of \(pool) (\(positions.count) samples)")
        } merge: { parts, w in
            for i in 0..<parts[0].count {  // per sample, its entries of every pass in order
                let fields = try (0..<parts[0].schema.fields.count).map { f in
                    FieldValue.bytes(try parts.flatMap { try $0.bytes(sample: i, field: f) })
                }
                try w.append(StoreSample(id: parts[0].sampleID(i), label: -1, values: fields))
            }
        }
    }
}

extension TeacherCacheReader {
    /// Pool mode: the entry sample `id` uses in `epoch`.
    func poolEntry(epoch: Int, id: UInt64) -> Int {
        var rng = Philox(seed: poolSeed, keys: [0x706f_6f6c, UInt64(epoch), id])  // 'pool'
        return rng.nextInt(below: header.poolSize ?? 1)
    }

    /// Pool mode: the recorded parameters of view `view` of sample `id` in `epoch` (nil for a sample
    /// the pool does not hold), for `LoaderConfig.replay`.
    public func viewParams(id: UInt64, view: Int, epoch: Int) -> ViewParams? {
        guard let row = poolRows[id], let views = header.viewCount, let bytes = try? store.bytes(sample: row, field: 2) else { return nil }
        let at = (poolEntry(epoch: epoch, id: id) * views + view) * ViewParams.byteCount
        return ViewParams(bytes: bytes[at..<(at + ViewParams.byteCount)])
    }

    /// Pool mode: the target logits `[N, C]` of the entries the samples `sampleIDs` use in `epoch`.
    func poolOutputs(epoch: Int, sampleIDs: [UInt64]) throws -> TeacherOutputs {
        let c = header.classes
        let k = header.topK
        var logits = [Float]()
        var means = [Float]()
        logits.reserveCapacity(sampleIDs.count * c)
        for id in sampleIDs {
            guard let row = poolRows[id] else {
                throw TrainError.incompatibleData("teacher cache \(store.path) has no recorded views of sample \(id)")
            }
            let r = poolEntry(epoch: epoch, id: id)
            let values = Array(TeacherCache.decode(try store.bytes(sample: row, field: 0), as: header.dtype)[r * (k + 1)..<(r + 1) * (k + 1)])
            let classes = k == c ? nil : Array(TeacherCache.decodeClasses(try store.bytes(sample: row, field: 1))[r * k..<(r + 1) * k])
            logits += TeacherCache.targetRow(
                values: Array(values.dropLast()), logSumExp: values.last!, classes: classes, classCount: c, targets: targets)
            let mean = TeacherCache.decode(try store.bytes(sample: row, field: 3), as: header.dtype)
            if !mean.isEmpty { means += mean[r * c..<(r + 1) * c] }
        }
        return TeacherOutputs(
            logits: Tensor(shape: [sampleIDs.count, c], scalars: logits),
            meanLogits: means.isEmpty ? nil : Tensor(shape: [sampleIDs.count, c], scalars: means))
    }
}
