import Backbones
import Foundation
import NN
import Objectives
import Recipes
import Support
import TensorCore

/// One PixPro training step (never timed in tests), the workload of `Recipes/ssl/pixpro-resnet18-mosaic.yaml`:
/// two 56 px views of 1 channel, ResNet-18 with the CIFAR stem (full width) whose C5 map is 7 × 7
/// (`--map 7`, last stride 2) or 14 × 14 (`--map 14`, last stride 1), MLP2d projector 512 → 4096 →
/// 256, propagation with a 1-layer value transform and γ 2, momentum branch, pixel consistency
/// loss over random boxes (flips included) at threshold 0.7, backward, LARS, EMA update. Prints the
/// best step time, images per second and the process's peak resident memory after the steps
/// (run one `--map` per process for a clean peak), and the ratio to `Benchmarks/torch_pixpro.py`'s
/// JSON when it is there.
///
/// Measured (`Experiments/2026-12-04-fmnist-pixpro/memory.txt`), batch 128, hidden 4096, peak RSS at
/// 7 × 7 / 14 × 14: 5.58 / 8.68 GiB with both views' activations alive at once; 2.83 / 4.85 GiB with
/// the first view's term swept ahead (`backpropagateAhead`); PyTorch 5.23 / 7.92 GiB. The (HW)²
/// attention is small (128 × 196² floats = 20 MB at 14 × 14); what remains is one view's 56 px
/// backbone activations and the MLP2d's 4096-wide per-pixel ones (411 MB per tensor at 14 × 14),
/// which `--recompute` (activation checkpointing per block) cuts further.
///
/// Options: `--map 7|14` (14), `--batch N` (128; `--quick`: 16), `--threads N` (2), `--iterations N`
/// (2 timed after one warm-up; the best counts; 0: a single step, for the peak memory), `--recompute`
/// (activation checkpointing per residual block), `--hidden N` (4096), `--torch-json PATH`
/// (`.build/torch_pixpro_<map>.json`).
enum PixProBench {
    static func run(_ args: [String]) throws {
        let threads = Int(ZooBench.value(of: "--threads", in: args) ?? "2") ?? 2
        let iterations = Int(ZooBench.value(of: "--iterations", in: args) ?? "2") ?? 2
        let map = Int(ZooBench.value(of: "--map", in: args) ?? "14") ?? 14
        let batch = Int(ZooBench.value(of: "--batch", in: args) ?? (args.contains("--quick") ? "16" : "128")) ?? 128
        let hidden = Int(ZooBench.value(of: "--hidden", in: args) ?? "4096") ?? 4096
        guard map == 7 || map == 14 else {
            print("error: --map must be 7 or 14, got \(map)")
            return
        }
        Threading.setCount(threads)
        print(iterations == 0 ? "threads \(threads), one step (peak memory)" : "threads \(threads), best of \(iterations) after one warm-up")

        var rng = Philox(seed: 13)
        var net = ResNet<BasicBlock>(
            blocks: [2, 2, 2, 2], stem: .cifar, inputChannels: 1, classCount: nil,
            lastStride: map == 14 ? 1 : 2, rng: &rng)
        // --recompute: activation checkpointing per residual block (`model.recompute_activations`).
        net.recomputesBlocks = args.contains("--recompute")
        let pixpro = PixPro(
            model: net, projectorHidden: hidden, projectorOutput: 256, transformLayers: 1, gamma: 2, threshold: 0.7,
            baseMomentum: 0.99, rng: &rng)
        let views = (0..<2).map { _ in Tensor(shape: [batch, 1, 56, 56], scalars: (0..<(batch * 56 * 56)).map { _ in rng.nextNormal() }) }
        let infos = (0..<2).map { v -> ViewInfo in
            var boxes: [Float] = []
            var flips: [Bool] = []
            for _ in 0..<batch {
                let w = rng.nextUniform(in: 0.45, 1)
                let h = rng.nextUniform(in: 0.45, 1)
                let x0 = rng.nextUniform(in: 0, 1 - w)
                let y0 = rng.nextUniform(in: 0, 1 - h)
                let flip = rng.nextUniform() < 0.5
                boxes += flip ? [x0 + w, y0, x0, y0 + h] : [x0, y0, x0 + w, y0 + h]
                flips.append(flip)
            }
            return ViewInfo(boxes: Tensor(shape: [batch, 4], scalars: boxes), flipped: flips, height: 56, width: 56, group: 0)
        }
        let b = TrainingBatch(views: views, viewInfo: infos, labels: nil, sampleIDs: (0..<batch).map(UInt64.init))
        var model = TrainModel(backbone: net, objective: pixpro)
        var optimizer = LARS(learningRate: 0.5, momentum: 0.9, weightDecay: 1e-5, trustCoefficient: 0.001, excludedRoles: [])
        var failure: Error?
        var loss: Float = .nan
        var step = 0
        func runStep() {
            do {
                loss = try model.benchStep(b, optimizer: &optimizer, step: step)
                step += 1
            } catch { failure = error }
        }
        // --iterations 0: one step only (its time includes first-call costs), for a peak-memory reading.
        let t = iterations == 0 ? ZooBench.seconds(runStep) : ZooBench.best(iterations: iterations, runStep)
        if let failure { throw failure }
        let peak = ResourceUsage.peakResidentBytes().map { String(format: "%.2f GiB", Double($0) / Double(1 << 30)) } ?? "unknown"
        let images = Double(batch) / t
        var line = String(
            format: "pixpro step 2x56 px, resnet18 cifar%@, %dx%d map, hidden %d, batch %d: %.2f s, %.1f img/s, loss %.4f, peak RSS %@",
            net.recomputesBlocks ? " (blocks recomputed)" : "", map, map, hidden, batch, t, images, loss, peak)
        let path = ZooBench.value(of: "--torch-json", in: args) ?? ".build/torch_pixpro_\(map).json"
        line += TorchBaseline.comparison(
            images, at: path, matching: ["batch": batch, "map": map], command: "torch_pixpro.py --map \(map) --batch \(batch)")
        print(line)
    }
}
