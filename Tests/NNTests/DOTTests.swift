import Foundation
import NN
import TensorCore
import TestSupport
import XCTest

/// DOT against the port of mdistiller's `DistillationOrientedTrainer` (Tests/Fixtures/make_dot_fixtures.py):
/// `weight` gets both gradients, `bias` only the task gradient, `norm_scale` only the KD gradient.
final class DOTTests: XCTestCase {
    private func fixture() throws -> SafeTensors { try SafeTensors.read(from: Fixtures.url("nn/dot.safetensors")) }

    /// The gradient groups of step `s`: task (weight, bias) and kd (weight, norm_scale).
    private func groups(_ f: SafeTensors, step s: Int) -> [(name: String, gradients: [String: Tensor])] {
        func group(_ prefix: String, _ paths: [String]) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: paths.map { ($0, f.tensors["\(prefix)\(s).\($0)"]!) })
        }
        return [("task", group("task", ["weight", "bias"])), ("kd", group("kd", ["weight", "norm_scale"]))]
    }

    private func trajectory(_ f: SafeTensors, _ make: () -> DOT) -> (Toy, DOT) {
        var model = Toy(f)
        var opt = make()
        for s in 0..<5 { opt.step(model: &model, gradientGroups: groups(f, step: s)) }
        return (model, opt)
    }

    func testMatchesReferenceTrajectory() throws {
        let f = try fixture()
        for (name, make) in [
            ("dot", { DOT(learningRate: 0.1, momentum: 0.9, delta: 0.075, weightDecay: 1e-2) }),
            ("dot_nodecay", { DOT(learningRate: 0.05, momentum: 0.9, delta: 0.09) }),
        ] {
            let (model, opt) = trajectory(f, make)
            XCTAssertEqual(model.namedParameters.map(\.path), ["weight", "bias", "norm_scale"])
            for (path, p) in model.namedParameters {
                let expected = try XCTUnwrap(f.tensors["\(name).\(path)"], "\(name).\(path)")
                assertClose(p.value, expected, atol: 1e-6, rtol: 1e-6, "\(name) \(path)")
            }
            XCTAssertEqual(opt.stepCount, 5)
        }
    }

    /// The buffers after 5 steps, under the reference's state keys; a save/load round trip resumes exactly.
    func testStateMatchesReferenceAndResumes() throws {
        let f = try fixture()
        let make = { DOT(learningRate: 0.1, momentum: 0.9, delta: 0.075, weightDecay: 1e-2) }
        let (_, opt) = trajectory(f, make)
        let state = opt.state
        let expectedKeys = ["weight.momentum_buffer", "bias.momentum_buffer", "weight.momentum_kd_buffer", "norm_scale.momentum_kd_buffer"]
        XCTAssertEqual(Set(state.tensors.keys), Set(expectedKeys))
        for key in expectedKeys {
            let parts = key.split(separator: ".")
            let reference = try XCTUnwrap(f.tensors["buffer.\(parts[1]).\(parts[0])"], key)
            assertClose(state.tensors[key]!, reference, atol: 1e-6, rtol: 1e-6, key)
        }
        // 3 steps, save, load into a fresh optimizer, 2 more: the same parameters as 5 straight steps.
        var model = Toy(f)
        var first = make()
        for s in 0..<3 { first.step(model: &model, gradientGroups: groups(f, step: s)) }
        var resumed = make()
        try resumed.loadState(first.state, file: "dot.state")
        for s in 3..<5 { resumed.step(model: &model, gradientGroups: groups(f, step: s)) }
        let (straight, _) = trajectory(f, make)
        for ((path, p), (_, q)) in zip(model.namedParameters, straight.namedParameters) {
            XCTAssertEqual(p.value.scalars, q.value.scalars, path)
        }
        XCTAssertEqual(resumed.stepCount, 5)
        var bad = first.state
        bad.tensors["weight.velocity"] = Tensor(zeros: [4, 3])
        XCTAssertThrowsError(try resumed.loadState(bad, file: "dot.state"))
    }

    /// With Δ = 0 and every parameter in both groups, DOT is SGD(μ, λ) on the summed gradient.
    func testZeroDeltaIsMomentumSGDOnTheSum() throws {
        let f = try fixture()
        let paths = ["weight", "bias", "norm_scale"]
        var a = Toy(f)
        var b = Toy(f)
        var dot = DOT(learningRate: 0.1, momentum: 0.9, delta: 0, weightDecay: 1e-2)
        var sgd = SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 1e-2)
        for s in 0..<5 {
            // Every parameter gets both gradients (the first elements of the stored weight gradients).
            var tg: [String: Tensor] = [:]
            var kg: [String: Tensor] = [:]
            var sum: [String: Tensor] = [:]
            for p in paths {
                let shape = a.stateDict[p]!.shape
                tg[p] = Tensor(shape: shape, scalars: Array(f.tensors["task\(s).weight"]!.scalars.prefix(shape.count)))
                kg[p] = Tensor(shape: shape, scalars: Array(f.tensors["kd\(s).weight"]!.scalars.prefix(shape.count))) * 0.5
                sum[p] = tg[p]! + kg[p]!
            }
            dot.step(model: &a, gradientGroups: [("task", tg), ("kd", kg)])
            sgd.step(model: &b, gradients: sum)
        }
        for ((path, p), (_, q)) in zip(a.namedParameters, b.namedParameters) {
            assertClose(p.value, q.value, atol: 1e-6, rtol: 1e-5, path)
        }
    }

    /// Δ changes the trajectory (the test above cannot pass by ignoring one group).
    func testDeltaMatters() throws {
        let f = try fixture()
        let (a, _) = trajectory(f) { DOT(learningRate: 0.1, momentum: 0.9, delta: 0.075, weightDecay: 1e-2) }
        let (b, _) = trajectory(f) { DOT(learningRate: 0.1, momentum: 0.9, delta: 0, weightDecay: 1e-2) }
        XCTAssertNotEqual(a.weight.value.scalars, b.weight.value.scalars)
        XCTAssertTrue(DOT(learningRate: 0.1).separatesGradientGroups)
        XCTAssertFalse(SGD(learningRate: 0.1).separatesGradientGroups)
    }
}
