import Backbones
import Foundation
import NN
import Support
import TensorCore
import TestSupport
import XCTest

/// Our backbones against PyTorch outputs made by Tests/Fixtures/make_nn_fixtures.py.
final class TorchParityTests: XCTestCase {
    /// Runs `model` on the fixture input in inference and training mode and compares logits, the
    /// gradient of Σ logits·r with respect to the input and some weight gradients.
    private func compare<M: Backbone>(_ model: M, _ io: SafeTensors, weightGradients: [String], label: String) -> M {
        let x = io.tensors["x"]!
        let r = io.tensors["r"]!
        var m = model
        for training in [false, true] {
            let tape = Tape()
            var ctx = Context(training: training)
            let watched = m.watchParameters(on: tape)
            let xt = tape.watch(x)
            let y = m.forward(xt, context: &ctx)
            let mode = training ? "train" : "eval"
            assertClose(y, io.tensors["\(mode)_logits"]!, atol: 1e-7, rtol: 1e-4, "\(label) \(mode) logits")
            let keys = weightGradients
            let grads = tape.gradients(of: (y * r).sum(), wrt: [xt] + keys.map { watched[$0]! })
            assertNormClose(grads[0], io.tensors["\(mode)_input_grad"]!, tolerance: 1e-4, "\(label) \(mode) input gradient")
            assertClose(grads[0], io.tensors["\(mode)_input_grad"]!, rtol: 1e-4, relativeToLargest: true, "\(label) \(mode) input gradient elements")
            XCTAssertEqual(grads.count, keys.count + 1)
            if training {
                for (k, g) in zip(keys, grads.dropFirst()) {
                    assertNormClose(g, io.tensors["train_grad.\(k)"]!, tolerance: 1e-4, "\(label) grad \(k)")
                }
            }
            m.detachParameters()
        }
        return m
    }

    func testResNet18CifarLoadsTorchvisionStateDictAndMatchesPyTorch() throws {
        var rng = Philox(seed: 1)
        var model = ResNet<BasicBlock>(blocks: [2, 2, 2, 2], stem: .cifar, width: 0.125, classCount: 10, rng: &rng)
        try model.load(from: Fixtures.url("nn/resnet18_cifar_w0125.safetensors"))  // strict
        XCTAssertEqual(model.bn1.batchesTracked.value.scalar, 3)
        // The same torchvision file into a trunk without a classifier: strict once `fc.` is ignored.
        var trunk = ResNet<BasicBlock>(blocks: [2, 2, 2, 2], stem: .cifar, width: 0.125, classCount: nil, rng: &rng)
        let url = Fixtures.url("nn/resnet18_cifar_w0125.safetensors")
        XCTAssertThrowsError(try trunk.load(from: url)) { e in
            XCTAssertEqual(e as? CheckpointError, .unexpectedKey(file: url.path, key: "fc.bias", shape: [10]))
        }
        try trunk.load(from: url, ignoring: ["fc."])
        XCTAssertEqual(trunk.stateDict["layer4.1.conv2.weight"]!.scalars, model.stateDict["layer4.1.conv2.weight"]!.scalars)
        // Ours load in PyTorch: re-saving gives the same keys, dtypes (I64 counters) and bits as the
        // file PyTorch wrote, so `load_state_dict(strict=True)` accepts it.
        let original = try SafeTensors.read(from: Fixtures.url("nn/resnet18_cifar_w0125.safetensors"))
        let resaved = try SafeTensors.parse(model.checkpoint().serialized(), file: "resaved")
        XCTAssertEqual(Set(resaved.tensors.keys), Set(original.tensors.keys))
        XCTAssertEqual(resaved.integers, original.integers)
        for (k, t) in original.tensors { XCTAssertEqual(resaved.tensors[k]!.scalars.map { $0.bitPattern }, t.scalars.map { $0.bitPattern }, k) }
        let io = try SafeTensors.read(from: Fixtures.url("nn/resnet18_cifar_w0125_io.safetensors"))
        let trained = compare(model, io, weightGradients: ["conv1.weight", "layer3.0.downsample.0.weight", "fc.weight"], label: "resnet18")
        let state = trained.stateDict
        for k in ["bn1.running_mean", "bn1.running_var", "layer4.1.bn2.running_var"] {
            assertClose(state[k]!, io.tensors["after_train.\(k)"]!, atol: 1e-8, rtol: 1e-5, k)
        }
        XCTAssertEqual(state["bn1.num_batches_tracked"]!.scalar, 4)
    }

    func testViTTinyMatchesPyTorch() throws {
        var rng = Philox(seed: 1)
        var model = VisionTransformer(imageSize: 16, patchSize: 4, featureCount: 192, depth: 12, headCount: 3, classCount: 10, rng: &rng)
        // The fixture's deterministic weights: scale·sin(0.618034 (j+1) + 0.001 Σ bytes(name)).
        model.forEachParameter { path, p in
            let c = 0.001 * Double(path.utf8.reduce(0) { $0 + Int($1) })
            let isNormScale = path.hasSuffix("norm1.weight") || path.hasSuffix("norm2.weight") || path == "norm.weight"
            let scale = isNormScale ? 0.1 : (path.contains("pos_embed") || path.contains("cls_token")) ? 0.1 : path.hasSuffix(".bias") ? 0.02 : 0.05
            p.value = Tensor(
                shape: p.shape,
                scalars: (0..<p.shape.count).map { j in
                    let v = Float(scale * sin(0.618034 * Double(j + 1) + c))
                    return isNormScale ? 1 + v : v
                })
        }
        let io = try SafeTensors.read(from: Fixtures.url("nn/vit_tiny_p4_16_io.safetensors"))
        _ = compare(model, io, weightGradients: ["patch_embed.proj.weight", "cls_token", "blocks.11.attn.qkv.weight"], label: "vit_tiny")
    }

    func testCheckpointRoundTripOfAZooModelIsBitExact() throws {
        var rng = Philox(seed: 4)
        var model = try Zoo.make("resnet18", options: BackboneOptions(classCount: 10, stem: .cifar, width: 0.125), rng: &rng)
        var ctx = Context(training: true)
        _ = model.forward(Tensor(repeating: 0.5, shape: [2, 3, 8, 8]), context: &ctx)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        var other = try Zoo.make("resnet18", options: BackboneOptions(classCount: 10, stem: .cifar, width: 0.125), rng: &rng)
        try other.load(from: url)
        let a = model.stateDict
        let b = other.stateDict
        XCTAssertEqual(a.count, b.count)
        for (k, v) in a { XCTAssertEqual(v.scalars.map { $0.bitPattern }, b[k]!.scalars.map { $0.bitPattern }, k) }
        var wrong = try Zoo.make("resnet18", options: BackboneOptions(classCount: 10, stem: .imagenet, width: 0.125), rng: &rng)
        XCTAssertThrowsError(try wrong.load(from: url)) { e in
            XCTAssertEqual(e as? CheckpointError, .shapeMismatch(file: url.path, key: "conv1.weight", expected: [8, 3, 7, 7], found: [8, 3, 3, 3]))
        }
    }
}
