import Backbones
import Foundation
import NN
import Support
import TensorCore

/// Zoo throughput: training steps (forward, backward, SGD) and inference in images per second for
/// ResNet-18 (cifar stem, 32 px, batch 128), ResNet-50 (224 px, batch 16) and vit_tiny (patch 4,
/// 32 px, batch 128). With the JSON written by `Benchmarks/torch_zoo.py` (same workloads in
/// PyTorch, 2 threads) it prints ours/PyTorch ratios.
///
/// Options: `--threads N` (2), `--iterations N` (3 timed after 1 warm-up; the best counts), `--quick` (batches / 8),
/// `--only NAME` (one workload, e.g. `resnet18_cifar_32_b128`), `--torch-json PATH` (default .build/torch_zoo.json),
/// `--infer-only` (no training step).
enum ZooBench {
    struct Workload {
        let name: String
        let model: String
        let options: BackboneOptions
        let batch: Int
        let image: Int
    }

    static func value(of flag: String, in args: [String]) -> String? {
        guard let i = args.firstIndex(of: flag), i + 1 < args.count else { return nil }
        return args[i + 1]
    }

    static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The best (shortest) of `iterations` timings after one warm-up: on a shared machine the
    /// minimum is the least disturbed by other load.
    static func best(iterations: Int, _ body: () -> Void) -> Double {
        body()
        return (0..<max(iterations, 1)).map { _ in seconds(body) }.min()!
    }

    /// Training-step and inference images per second; `inferOnly` (`--infer-only`, e.g. to profile inference
    /// alone) skips the training step, whose rate then reads 0.
    static func measure<M: Backbone>(_ model: M, _ w: Workload, batch: Int, iterations: Int, inferOnly: Bool) -> (train: Double, infer: Double) {
        var m = model
        var rng = Philox(seed: 7)
        let x = Tensor(shape: [batch, 3, w.image, w.image], scalars: (0..<(batch * 3 * w.image * w.image)).map { _ in rng.nextNormal() })
        let labels = IntTensor((0..<batch).map { $0 % 10 })
        var opt = SGD(learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4)
        let train =
            inferOnly
            ? .infinity
            : best(iterations: iterations) {
                let grads: [String: Tensor]
                do {
                    let tape = Tape()
                    var ctx = Context(training: true, rng: Philox(seed: 1))
                    let watched = m.watchParameters(on: tape)
                    let loss = Tensor.crossEntropy(logits: m.forward(x, context: &ctx), labels: labels)
                    grads = tape.gradients(of: loss, wrt: watched)
                }
                opt.step(model: &m, gradients: grads)
            }
        let infer = best(iterations: iterations) {
            var ctx = Context.inference
            _ = m.forward(x, context: &ctx)
        }
        return (Double(batch) / train, Double(batch) / infer)
    }

    static func run(_ args: [String]) throws {
        let threads = Int(value(of: "--threads", in: args) ?? "") ?? 2
        let iterations = Int(value(of: "--iterations", in: args) ?? "") ?? 3
        let quick = args.contains("--quick")
        let inferOnly = args.contains("--infer-only")
        let torchPath = value(of: "--torch-json", in: args) ?? ".build/torch_zoo.json"
        Threading.setCount(threads)
        let workloads = [
            Workload(
                name: "resnet18_cifar_32_b128", model: "resnet18", options: BackboneOptions(classCount: 10, stem: .cifar), batch: 128, image: 32),
            Workload(name: "resnet50_224_b16", model: "resnet50", options: BackboneOptions(classCount: 1000), batch: 16, image: 224),
            Workload(
                name: "vit_tiny_p4_32_b128", model: "vit_tiny", options: BackboneOptions(classCount: 10, imageSize: 32, patchSize: 4), batch: 128,
                image: 32),
            Workload(
                name: "vit_small_p16_224_b32", model: "vit_small", options: BackboneOptions(classCount: 1000, imageSize: 224, patchSize: 16),
                batch: 32, image: 224),
        ]
        var torch: [String: [String: Double]] = [:]
        if let data = FileManager.default.contents(atPath: torchPath),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Double]]
        {
            torch = json
        }
        print(
            "threads \(threads), iterations \(iterations)\(quick ? ", quick (batch / 8)" : ""), torch baseline: \(torch.isEmpty ? "none (run Benchmarks/torch_zoo.py)" : torchPath)"
        )
        print("| workload | batch | train img/s | infer img/s | torch train img/s | torch infer img/s | train ratio | infer ratio |")
        print("|---|---|---|---|---|---|---|---|")
        let only = value(of: "--only", in: args)
        for w in workloads where only == nil || w.name == only {
            let batch = quick ? max(2, w.batch / 8) : w.batch
            var rng = Philox(seed: 1)
            let model = try Zoo.make(w.model, options: w.options, rng: &rng)
            let r = measureAny(model, w, batch: batch, iterations: iterations, inferOnly: inferOnly)
            let t = torch[w.name]
            let tt = t?["train"]
            let ti = t?["infer"]
            func f(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "-" }
            func ratio(_ a: Double, _ b: Double?) -> String { b.map { String(format: "%.2f", a / $0) } ?? "-" }
            print("| \(w.name) | \(batch) | \(f(r.train)) | \(f(r.infer)) | \(f(tt)) | \(f(ti)) | \(ratio(r.train, tt)) | \(ratio(r.infer, ti)) |")
        }
    }

    /// Opens the existential so `measure` runs on the concrete type.
    static func measureAny(_ model: any Backbone, _ w: Workload, batch: Int, iterations: Int, inferOnly: Bool) -> (train: Double, infer: Double) {
        measure(model, w, batch: batch, iterations: iterations, inferOnly: inferOnly)
    }
}
