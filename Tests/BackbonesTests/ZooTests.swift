import Backbones
import NN
import Support
import TensorCore
import TestSupport
import XCTest

final class ZooTests: XCTestCase {
    /// Small configurations of every registry entry with the input they take.
    private func smallConfigurations() -> [(name: String, options: BackboneOptions, input: Shape)] {
        Zoo.names.flatMap { name -> [(String, BackboneOptions, Shape)] in
            if name.hasPrefix("resnet") {
                return [
                    (name, BackboneOptions(inputChannels: 3, classCount: 5, stem: .cifar, width: 0.125), [2, 3, 8, 8]),
                    (
                        name, BackboneOptions(inputChannels: 1, classCount: nil, stem: .imagenet, width: 0.125, zeroInitResidual: true),
                        [2, 1, 32, 32]
                    ),
                ]
            }
            return [
                (name, BackboneOptions(inputChannels: 3, classCount: 5, imageSize: 8, patchSize: 4, pooling: .classToken), [2, 3, 8, 8]),
                (name, BackboneOptions(inputChannels: 1, classCount: nil, imageSize: 8, patchSize: 4, pooling: .mean), [2, 1, 8, 8]),
            ]
        }
    }

    func testEveryEntryRunsForwardAndBackwardWithFiniteValues() throws {
        XCTAssertEqual(Zoo.names, ["resnet18", "resnet34", "resnet50", "vit_tiny", "vit_small"])
        for (name, options, inputShape) in smallConfigurations() {
            var rng = Philox(seed: 1)
            var model = try Zoo.make(name, options: options, rng: &rng)
            let label = "\(name) \(options)"
            XCTAssertEqual(model.visitedParameterCount, reflectedCount(of: Parameter.self, in: model), "visitor completeness: \(label)")
            let x = GradientCheck.random(inputShape, seed: 2)
            var infer = Context.inference
            let out = model.extract(x, context: &infer)
            XCTAssertEqual(out.features.shape, [2, model.featureCount], label)
            XCTAssertTrue(out.features.scalars.allSatisfy(\.isFinite), label)
            XCTAssertEqual(out.intermediates.count, name.hasPrefix("resnet") ? 4 : 12, label)
            XCTAssertEqual(out.intermediates.last!.shape[0], 2)
            if name.hasPrefix("resnet") { XCTAssertEqual(out.intermediates.last!.shape[1], model.featureCount) }

            let tape = Tape()
            var ctx = Context(training: true, rng: Philox(seed: 3))
            let watched = model.watchParameters(on: tape)
            let xt = tape.watch(x)
            let y = model.forward(xt, context: &ctx)
            XCTAssertEqual(y.shape, [2, options.classCount ?? model.featureCount], label)
            let loss = (y * y).mean()
            let keys = Array(watched.keys)
            let grads = tape.gradients(of: loss, wrt: keys.map { watched[$0]! } + [xt])
            XCTAssertEqual(grads.count, keys.count + 1, label)
            XCTAssertTrue(grads.allSatisfy { $0.scalars.allSatisfy(\.isFinite) }, label)
            XCTAssertGreaterThan(grads.last!.scalars.map(abs).max()!, 0, "input gradient is zero: \(label)")
            // An optimizer steps an existential backbone in place.
            let before = model.stateDict
            var opt = SGD(learningRate: 0.1, momentum: 0.9)
            opt.step(model: &model, gradients: Dictionary(uniqueKeysWithValues: zip(keys, grads)))
            let changed = model.stateDict.filter { $0.value.scalars != before[$0.key]!.scalars }.count
            XCTAssertGreaterThan(changed, 0, label)
        }
    }

    func testParameterCountsMatchTorchvisionAndTimm() throws {
        var rng = Philox(seed: 1)
        let counts: [(String, BackboneOptions, Int)] = [
            ("resnet18", BackboneOptions(classCount: 1000), 11_689_512),
            ("resnet34", BackboneOptions(classCount: 1000), 21_797_672),
            ("resnet50", BackboneOptions(classCount: 1000), 25_557_032),
            ("vit_tiny", BackboneOptions(classCount: 1000), 5_717_416),
            ("vit_small", BackboneOptions(classCount: 1000), 22_050_664),
        ]
        for (name, options, expected) in counts {
            let model = try Zoo.make(name, options: options, rng: &rng)
            XCTAssertEqual(model.parameterCount, expected, name)
        }
        let cifar = try Zoo.make("resnet18", options: BackboneOptions(classCount: 10, stem: .cifar), rng: &rng)
        XCTAssertEqual(cifar.parameterCount, 11_173_962)  // the usual CIFAR ResNet-18 count
    }

    func testTorchvisionNamesAndInitialisation() throws {
        var rng = Philox(seed: 1)
        let m = try Zoo.make("resnet50", options: BackboneOptions(classCount: 10, width: 0.25, zeroInitResidual: true), rng: &rng)
        let state = m.stateDict
        for key in [
            "conv1.weight", "bn1.running_var", "layer1.0.downsample.0.weight", "layer1.0.downsample.1.num_batches_tracked",
            "layer3.5.conv3.weight", "layer4.2.bn3.weight", "fc.weight", "fc.bias",
        ] {
            XCTAssertNotNil(state[key], key)
        }
        XCTAssertNil(state["layer1.1.downsample.0.weight"])
        XCTAssertTrue(state["layer4.2.bn3.weight"]!.scalars.allSatisfy { $0 == 0 }, "zero-init residual")
        XCTAssertTrue(state["layer4.2.bn2.weight"]!.scalars.allSatisfy { $0 == 1 })
        let w = state["layer1.0.conv2.weight"]!.scalars  // kaiming normal fan_out: std sqrt(2 / (16·9))
        let std = (w.map { $0 * $0 }.reduce(0, +) / Float(w.count)).squareRoot()
        XCTAssertEqual(std, (2 / Float(16 * 9)).squareRoot(), accuracy: 0.02)
        let vit = try Zoo.make("vit_tiny", options: BackboneOptions(imageSize: 32, patchSize: 4), rng: &rng)
        XCTAssertEqual(vit.stateDict["pos_embed"]!.shape, [1, 65, 192])
        XCTAssertNotNil(vit.stateDict["blocks.11.mlp.fc2.bias"])
    }

    func testInvalidOptionsAreTypedErrors() {
        var rng = Philox(seed: 1)
        XCTAssertThrowsError(try Zoo.make("resnet19", rng: &rng)) { e in
            guard case .unknownName("resnet19", _) = e as? ZooError else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try Zoo.make("vit_tiny", options: BackboneOptions(imageSize: 30, patchSize: 4), rng: &rng)) { e in
            guard case .invalidOption(entry: "vit_tiny", option: "patchSize", _) = e as? ZooError else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try Zoo.make("resnet18", options: BackboneOptions(inputChannels: 2), rng: &rng))
    }
}
