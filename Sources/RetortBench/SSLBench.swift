import Backbones
import Foundation
import NN
import Objectives
import Recipes
import Support
import TensorCore

/// Costs of the clustering objectives (never timed in tests):
/// - `sela labelling`: SeLa's dataset-wide Sinkhorn-Knopp in Float64 plus the argmax
///   (`SelfLabelLosses.labels`) for 60,000 samples × K = 30 at λ = 10 and 25 (the bar: under 2 s);
/// - `swav step`: one SwAV training step (2 × 28 px + 4 × 16 px crops of 1 channel, ResNet-18 cifar
///   stem at width 0.5, batch 256, head 2048 → 128, 300 prototypes: forward per resolution group,
///   Sinkhorn, backward, LARS) in images per second; `Benchmarks/torch_swav.py` runs the same step
///   in PyTorch and writes `.build/torch_swav.json`, which this suite reads for a ratio.
///
/// - `byol step`: one BYOL training step (2 × 28 px views of 1 channel, the same backbone, projector and
///   predictor 2048 → 128 with BN, EMA target forwarded in training mode, the symmetric 2 − 2cos loss, LARS,
///   then the EMA update) in images per second, against `Benchmarks/torch_byol.py` (`.build/torch_byol.json`).
///
/// Options: `--threads N` (2), `--iterations N` (3 timed after one warm-up; the best counts),
/// `--quick` (batch 32 for the SwAV and BYOL steps), `--skip-sela`, `--skip-byol`, `--skip-swav`, `--torch-json PATH`
/// (SwAV's baseline), `--torch-byol-json PATH`.
enum SSLBench {
    static func run(_ args: [String]) throws {
        let threads = Int(ZooBench.value(of: "--threads", in: args) ?? "2") ?? 2
        let iterations = Int(ZooBench.value(of: "--iterations", in: args) ?? "3") ?? 3
        Threading.setCount(threads)
        print("threads \(threads), best of \(iterations) after one warm-up")

        // SeLa: logits of one head for the whole of Fashion-MNIST's training split.
        let n = 60_000
        let k = 30
        var rng = Philox(seed: 11)
        let logits = Tensor(shape: [n, k], scalars: (0..<(n * k)).map { _ in 2 * rng.nextNormal() })
        for lambda in args.contains("--skip-sela") ? [] : [10.0, 25.0] {
            var result: SelfLabelLosses.Labelling?
            let t = ZooBench.best(iterations: iterations) { result = try? SelfLabelLosses.labels(logits: logits, lambda: lambda) }
            guard let result else {
                print("sela labelling: the solver failed")
                continue
            }
            print(
                String(
                    format: "sela labelling %d x %d, lambda %g: %.3f s (%d Sinkhorn updates, %d clusters used; bar < 2 s)",
                    n, k, lambda, t, result.iterations, Set(result.labels).count))
        }

        if !args.contains("--skip-byol") { try byolStep(args, iterations: iterations) }
        if args.contains("--skip-swav") { return }
        let batch = args.contains("--quick") ? 32 : 256
        let net = ResNet<BasicBlock>.cifar18(width: 0.5, rng: &rng)
        let swav = SwAV(model: net, projectorHidden: 2048, projectorOutput: 128, prototypeCount: 300, rng: &rng)
        let sizes = [28, 28, 16, 16, 16, 16]
        let views = sizes.map { s in Tensor(shape: [batch, 1, s, s], scalars: (0..<(batch * s * s)).map { _ in rng.nextNormal() }) }
        let infos = sizes.map { s -> ViewInfo in
            var info = ViewInfo.wholeImage(count: batch, height: s, width: s)
            info.group = s == 28 ? 0 : 1
            return info
        }
        let b = TrainingBatch(views: views, viewInfo: infos, labels: nil, sampleIDs: (0..<batch).map(UInt64.init))
        var model = TrainModel(backbone: net, objective: swav)
        var optimizer = lars
        try model.reportStep(
            "swav step 2x28 + 4x16, resnet18 cifar w0.5", batch: b, optimizer: &optimizer, iterations: iterations, totalSteps: 1,
            args: args, script: "torch_swav")
    }

    /// The SwAV and BYOL steps' optimizer, as their twins': LARS at 0.6, momentum 0.9, weight decay 1e-6, trust 0.001,
    /// nothing excluded.
    static var lars: LARS { LARS(learningRate: 0.6, momentum: 0.9, weightDecay: 1e-6, trustCoefficient: 0.001, excludedRoles: []) }

    /// The BYOL step (see the type's comment).
    static func byolStep(_ args: [String], iterations: Int) throws {
        let batch = args.contains("--quick") ? 32 : 256
        var rng = Philox(seed: 12)
        let net = ResNet<BasicBlock>.cifar18(width: 0.5, rng: &rng)
        let byol = BYOL(model: net, projectorHidden: 2048, projectorOutput: 128, predictorHidden: 2048, rng: &rng)
        let views = (0..<2).map { _ in Tensor(shape: [batch, 1, 28, 28], scalars: (0..<(batch * 28 * 28)).map { _ in rng.nextNormal() }) }
        let b = TrainingBatch(views: views, labels: nil, sampleIDs: (0..<batch).map(UInt64.init))
        var model = TrainModel(backbone: net, objective: byol)
        var optimizer = lars
        try model.reportStep(
            "byol step 2x28, resnet18 cifar w0.5", batch: b, optimizer: &optimizer, iterations: iterations, totalSteps: 1000,
            args: args, script: "torch_byol", flag: "--torch-byol-json")
    }
}
