import Backbones
import DataStore
import Foundation
import NN
import Objectives
import Recipes
import Support
import TensorCore

/// One Hinton KD step with a live teacher (never timed in tests), the workload of the distillation
/// issue's speed bar: a frozen ResNet-18 teacher (CIFAR stem, full width, 1 channel, 10 classes) in
/// inference mode and a ResNet-18 student at width 0.25 on the same 1 × 28 × 28 view, batch 128;
/// loss 0.5·CE + 0.5·T²·KL at T = 4 (`HintonKD`), backward, SGD (0.1, momentum 0.9, Nesterov,
/// weight decay 5e-4). Also times the same student's supervised step without the teacher, the
/// teacher's forward alone, and the KD step from a teacher-logit cache (the teacher-logit cache
/// issue's bar: at least 95 % of the student alone): a cache of 8 steps with the teacher's top 10 of
/// 10 in F16 is written to a temporary file, and each timed step reads and rebuilds its step's target
/// (`TeacherCacheReader.outputs`) before the student's KD step. Prints images per second and the ratio
/// to `Benchmarks/torch_kd.py`'s JSON when it is there.
///
/// Options: `--batch N` (128; `--quick`: 32), `--threads N` (2), `--iterations N` (3 timed after one
/// warm-up; the best counts), `--torch-json PATH` (`.build/torch_kd.json`).
enum KDBench {
    static func run(_ args: [String]) throws {
        let threads = Int(ZooBench.value(of: "--threads", in: args) ?? "2") ?? 2
        let iterations = Int(ZooBench.value(of: "--iterations", in: args) ?? "3") ?? 3
        let batch = Int(ZooBench.value(of: "--batch", in: args) ?? (args.contains("--quick") ? "32" : "128")) ?? 128
        Threading.setCount(threads)
        print("threads \(threads), best of \(iterations) after one warm-up")

        var rng = Philox(seed: 17)
        let teacher = ResNet<BasicBlock>.cifar18(width: 1, classCount: 10, rng: &rng)
        let student = ResNet<BasicBlock>.cifar18(width: 0.25, classCount: 10, rng: &rng)
        let x = Tensor(shape: [batch, 1, 28, 28], scalars: (0..<(batch * 28 * 28)).map { _ in rng.nextNormal() })
        let b = TrainingBatch(views: [x], labels: IntTensor((0..<batch).map { $0 % 10 }), sampleIDs: (0..<batch).map(UInt64.init))
        func sgd() -> SGD { SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4) }

        var failure: Error?
        var kd = TrainModel(
            backbone: student, objective: HintonKD<ResNet<BasicBlock>>(teachers: TeacherEnsemble(teacher: teacher), temperature: 4, alpha: 0.5))
        var kdOptimizer = sgd()
        let tKD = ZooBench.best(iterations: iterations) {
            do { _ = try kd.benchStep(b, optimizer: &kdOptimizer) } catch { failure = error }
        }
        var alone = TrainModel(backbone: student, objective: Supervised<ResNet<BasicBlock>>())
        var aloneOptimizer = sgd()
        let tAlone = ZooBench.best(iterations: iterations) {
            do { _ = try alone.benchStep(b, optimizer: &aloneOptimizer) } catch { failure = error }
        }
        if let failure { throw failure }
        var ensemble = TeacherEnsemble(teacher: teacher)
        let tTeacher = ZooBench.best(iterations: iterations) { _ = ensemble.logits(x, rng: Philox(seed: 1)) }

        // From a cache: the teacher's logits of 8 steps (the same view; each step reads its own entry).
        let ids = b.sampleIDs
        let steps = 8
        let target = TeacherEnsemble.targetLogits(ensemble.logits(x, rng: Philox(seed: 1)))
        let header = TeacherCache.Header(topK: 10, dtype: .f16, classes: 10, steps: steps, batchSize: batch, identity: [:], teachers: ["bench"])
        let cachePath = FileManager.default.temporaryDirectory.appendingPathComponent("retort-bench-kd-\(getpid()).rstore").path
        defer { try? FileManager.default.removeItem(atPath: cachePath) }
        try StoreWriter.write(to: cachePath, schema: try header.schema()) { w in
            for s in 0..<steps {
                try w.append(StoreSample(id: UInt64(s), label: -1, values: TeacherCache.entries(target, topK: 10, dtype: .f16, sampleIDs: ids)))
            }
        }
        let reader = try TeacherCacheReader(path: cachePath)
        var fromCache = TrainModel(
            backbone: student, objective: HintonKD<ResNet<BasicBlock>>(teachers: TeacherEnsemble([]), temperature: 4, alpha: 0.5))
        var cacheOptimizer = sgd()
        var step = 0
        let tCache = ZooBench.best(iterations: iterations) {
            do {
                var cached = b
                cached.teacherOutputs = try reader.outputs(step: step % steps, sampleIDs: ids)
                _ = try fromCache.benchStep(cached, optimizer: &cacheOptimizer)
                step += 1
            } catch { failure = error }
        }
        if let failure { throw failure }
        print(
            String(
                format: "kd step from a cache (top 10 of 10, f16), batch %d: %.3f s, %.1f img/s = %.2f of the student alone (bar >= 0.95), "
                    + "%.1fx the live-teacher kd step", batch, tCache, Double(batch) / tCache, tAlone / tCache, tKD / tCache))

        let images = Double(batch) / tKD
        var line = String(
            format: "kd step, resnet18 teacher + resnet18 x0.25 student, 28 px, batch %d: %.3f s, %.1f img/s "
                + "(teacher forward %.3f s; the student alone %.3f s, %.1f img/s)", batch, tKD, images, tTeacher, tAlone, Double(batch) / tAlone)
        let path = ZooBench.value(of: "--torch-json", in: args) ?? ".build/torch_kd.json"
        line += TorchBaseline.comparison(
            images, at: path, matching: ["batch": batch], command: "torch_kd.py" + (batch == 128 ? "" : " --batch \(batch)"))
        if let torchAlone = TorchBaseline.value("student_seconds", at: path, matching: ["batch": batch]) {
            line += String(format: " (student alone: ratio %.2f)", torchAlone / tAlone)
        }
        print(line)
    }
}
