import Foundation
import NN
import TensorCore
import TestSupport
import XCTest

final class CheckpointTests: XCTestCase {
    func testModelRoundTripIsBitExactIncludingRunningStatistics() throws {
        let dir = try TemporaryDirectory(removedAfter: self).url
        var net = TinyNet(seed: 1)
        var ctx = Context(training: true)
        _ = net.forward(GradientCheck.random([2, 2, 4, 4], seed: 2), context: &ctx)
        let url = dir.appendingPathComponent("net.safetensors")
        try net.save(to: url, metadata: ["epoch": "1"])
        let file = try SafeTensors.read(from: url)
        XCTAssertEqual(file.integers["bn.num_batches_tracked"], Int64Tensor(shape: [], scalars: [1]))
        var other = TinyNet(seed: 99)
        try other.load(from: url)
        XCTAssertEqual(other.namedParameters.map(\.path), net.namedParameters.map(\.path))
        XCTAssertFalse(net.namedParameters.isEmpty)
        for ((p1, a), (p2, b)) in zip(net.namedParameters, other.namedParameters) {
            XCTAssertEqual(p1, p2)
            XCTAssertEqual(TestTensors.bits(a.value), TestTensors.bits(b.value), p1)
        }
    }

    func testStrictLoadErrorsNameKeyShapesAndFileAndNeverHalfUpdate() throws {
        let net = TinyNet(seed: 1)
        var state = net.checkpoint()
        var target = TinyNet(seed: 2)
        let before = target.stateDict

        var missing = state
        missing.tensors["head.bias"] = nil
        XCTAssertThrowsError(try target.load(missing, file: "m.safetensors")) { e in
            XCTAssertEqual(e as? CheckpointError, .missingKey(file: "m.safetensors", key: "head.bias", expectedShape: [3]))
        }
        var extra = state
        extra.tensors["head.extra"] = Tensor([1])
        XCTAssertThrowsError(try target.load(extra, file: "e.safetensors")) { e in
            XCTAssertEqual(e as? CheckpointError, .unexpectedKey(file: "e.safetensors", key: "head.extra", shape: [1]))
        }
        state.tensors["head.weight"] = Tensor(zeros: [3, 5])
        XCTAssertThrowsError(try target.load(state, file: "s.safetensors")) { e in
            XCTAssertEqual(e as? CheckpointError, .shapeMismatch(file: "s.safetensors", key: "head.weight", expected: [3, 4], found: [3, 5]))
            XCTAssertTrue("\(e)".contains("[3, 5]") && "\(e)".contains("[3, 4]") && "\(e)".contains("s.safetensors"))
        }
        // conv.weight comes first and was valid in every failed load: nothing may have been assigned.
        for (k, v) in target.stateDict { XCTAssertEqual(v.scalars, before[k]!.scalars, k) }

        // Non-strict: missing and unexpected keys are skipped, shapes still checked.
        try target.load(extra, file: "e.safetensors", strict: false)
        try target.load(missing, file: "m.safetensors", strict: false)
        XCTAssertEqual(target.stateDict["conv.weight"]!.scalars, net.stateDict["conv.weight"]!.scalars)
    }

    func testOptimizerStateRoundTripContinuesTheSameTrajectory() throws {
        let dir = try TemporaryDirectory(removedAfter: self).url
        var net = TinyNet(seed: 3)
        var opt = AdamW(learningRate: 0.01)
        let grads = net.stateDict.filter { !$0.key.contains("running") && !$0.key.contains("num_batches") }
            .mapValues { GradientCheck.random($0.shape, seed: 5) }
        opt.step(model: &net, gradients: grads)
        let url = dir.appendingPathComponent("opt.safetensors")
        try opt.state.write(to: url)
        var restored = AdamW(learningRate: 0.01)
        try restored.loadState(SafeTensors.read(from: url), file: url.path)
        XCTAssertEqual(restored.stepCount, 1)
        var a = net
        var b = net
        opt.step(model: &a, gradients: grads)
        restored.step(model: &b, gradients: grads)
        XCTAssertEqual(a.stateDict["conv.weight"]!.scalars, b.stateDict["conv.weight"]!.scalars)
        var bad = opt.state
        bad.tensors["conv.weight.bogus"] = Tensor([1])
        XCTAssertThrowsError(try restored.loadState(bad, file: "o.safetensors"))
    }
}
