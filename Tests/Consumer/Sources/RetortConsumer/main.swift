// Uses Retort through its public API only: a zoo ResNet, three SGD steps of a supervised loss that
// must go down, and a registered SSL loss with its gradients. Exits non-zero on any failure.
import Backbones
import Foundation
import NN
import Objectives
import Support
import TensorCore

func check(_ ok: Bool, _ message: String) {
    if !ok {
        FileHandle.standardError.write(Data("consumer: FAILED: \(message)\n".utf8))
        exit(1)
    }
}

var rng = Philox(seed: 7)
let entry = try Zoo.entry(named: "resnet18")
var net = ResNet<BasicBlock>(blocks: [2, 2, 2, 2], stem: .cifar, inputChannels: 1, width: 0.125, classCount: 10, rng: &rng)
let x = Tensor(shape: [8, 1, 28, 28], scalars: (0..<(8 * 28 * 28)).map { _ in rng.nextNormal() })
let y = IntTensor((0..<8).map { $0 % 10 })
var sgd = SGD(learningRate: 0.05, momentum: 0.9)
var losses: [Float] = []
for step in 0..<3 {
    let (value, gradients) = net.valueAndGradient { m -> (value: Float, root: Tensor) in
        var context = Context(training: true, rng: Philox(seed: UInt64(step)))
        let loss = Tensor.crossEntropy(logits: m.forward(x, context: &context), labels: y)
        return (loss.scalar, loss)
    }
    check(
        value.isFinite && !gradients.isEmpty && gradients.values.allSatisfy { $0.scalars.allSatisfy(\.isFinite) },
        "step \(step): a finite loss and finite gradients")
    sgd.step(model: &net, gradients: gradients)
    losses.append(value)
}
check(losses[2] < losses[0], "the loss goes down on a fixed batch: \(losses)")

let z1 = Tensor(shape: [4, 16], scalars: (0..<64).map { _ in rng.nextNormal() })
let z2 = Tensor(shape: [4, 16], scalars: (0..<64).map { _ in rng.nextNormal() })
let ntXent = ContrastiveLosses.ntXent(z1, z2, temperature: 0.5)
check(ntXent.scalar.isFinite && ntXent.scalar > 0, "NT-Xent is a positive number: \(ntXent.scalar)")
print(
    "consumer: \(entry.name) trained 3 steps (loss \(losses.map { String(format: "%.4f", $0) }.joined(separator: " -> "))), NT-Xent \(ntXent.scalar)")
