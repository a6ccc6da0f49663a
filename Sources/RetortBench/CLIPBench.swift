import Backbones
import Foundation
import NN
import Objectives
import Recipes
import Support
import TensorCore

/// Costs of CLIP (never timed in tests):
/// - `clip step`: one CLIP training step at batch 256 (1 × 28 × 28 images, ResNet-18 cifar stem at
///   width 0.5 + projection to 128; the recipe's text tower: width 128, 4 layers, 4 heads, context 32,
///   captions of 12 words; symmetric InfoNCE over the 256 × 256 logits; AdamW and the log-scale clamp),
///   in images per second; `Benchmarks/torch_clip.py` runs the same step in PyTorch and writes
///   `.build/torch_clip.json`, which this suite reads for a ratio;
/// - `text tower step`: one training step of the text tower alone on the same captions (loss: the mean
///   squared feature, AdamW as above), in captions per second, against `torch_clip.py`'s `text tower step`;
/// - the size of the `N × N` logits (and of their gradient) at that batch.
///
/// Options: `--threads N` (2), `--iterations N` (3 timed after one warm-up; the best counts),
/// `--quick` (batch 32), `--torch-json PATH`, `--text-only` (the text tower's step alone, e.g. to profile it).
enum CLIPBench {
    static func run(_ args: [String]) throws {
        let threads = Int(ZooBench.value(of: "--threads", in: args) ?? "2") ?? 2
        let iterations = Int(ZooBench.value(of: "--iterations", in: args) ?? "3") ?? 3
        Threading.setCount(threads)
        let batch = args.contains("--quick") ? 32 : 256
        print("threads \(threads), best of \(iterations) after one warm-up, batch \(batch)")

        var rng = Philox(seed: 12)
        let options = CLIPOptions()
        let tokenizer = try options.makeTokenizer()
        let net = ResNet<BasicBlock>.cifar18(width: 0.5, rng: &rng)
        let tower = TextTransformer(
            contextLength: options.contextLength, vocabularySize: tokenizer.vocabularySize, width: options.textWidth,
            depth: options.textLayers, headCount: options.textHeads, featureCount: options.embedDim,
            endToken: 2, rng: &rng)
        let clip = CLIP(model: net, textTower: tower, vocabulary: tokenizer.vocabularyList, rng: &rng)
        let images = Tensor(shape: [batch, 1, 28, 28], scalars: (0..<(batch * 784)).map { _ in rng.nextNormal() })
        var ids: [Int32] = []
        for _ in 0..<batch {
            let words = (0..<12).map { _ in Int32(5 + rng.nextInt(below: tokenizer.vocabularySize - 5)) }
            let row = [Int32(1)] + words + [Int32(2)]
            ids += row + [Int32](repeating: 0, count: options.contextLength - row.count)
        }
        let text = TextBatch(ids: IntTensor(shape: [batch, options.contextLength], scalars: ids))
        var b = TrainingBatch(views: [images], labels: nil, sampleIDs: (0..<batch).map(UInt64.init))
        b.text = text
        var model = TrainModel(backbone: net, objective: clip)
        // open_clip's AdamW: no decay on biases, norms and the log-scale.
        let adamW = AdamW(
            learningRate: 1e-3, beta1: 0.9, beta2: 0.98, epsilon: 1e-6, weightDecay: 0.2,
            groups: [ParameterGroup.normAndBiasWithoutDecay()])
        var optimizer = adamW
        if !args.contains("--text-only") {
            try model.reportStep(
                "clip step resnet18 cifar w0.5 + text 128x4 ctx 32", batch: b, optimizer: &optimizer, iterations: iterations,
                totalSteps: 1, args: args, script: "torch_clip")
        }

        var textTower = tower
        var textOptimizer = adamW
        let mask = Tensor(shape: text.ids.shape, scalars: ids.map { $0 == 0 ? 0 : 1 })
        let tt = ZooBench.best(iterations: iterations) {
            let (_, g) = textTower.valueAndGradient { m -> (value: Float, root: Tensor) in
                var ctx = Context(training: true, rng: Philox(seed: 1))
                let s = m.features(text.ids, mask: mask, context: &ctx).squared().mean()
                return (s.scalar, s)
            }
            textOptimizer.step(model: &textTower, gradients: g)
        }
        let textRate = Double(batch) / tt
        let path = ZooBench.value(of: "--torch-json", in: args) ?? ".build/torch_clip.json"
        print(
            String(
                format: "text tower step (%d parameters), batch %d: %.3f s, %.1f captions/s",
                textTower.parameterCount, batch, tt, textRate)
                + TorchBaseline.comparison(
                    textRate, at: path, matching: ["batch": batch], command: "torch_clip.py" + (batch == 256 ? "" : " --batch \(batch)"),
                    key: "captions_per_second", unit: "captions/s"))
        print(String(format: "logits %d x %d: %d KiB (+ the same for their gradient)", batch, batch, batch * batch * 4 / 1024))
    }
}
