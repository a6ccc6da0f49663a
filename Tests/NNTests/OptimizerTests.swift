import Foundation
import NN
import TensorCore
import TestSupport
import XCTest

/// The fixture's three parameters with their roles (`init.*` of optimizers.safetensors and dot.safetensors).
struct Toy: Layer {
    var weight: Parameter
    var bias: Parameter
    var normScale: Parameter
    init(_ f: SafeTensors) {
        weight = Parameter(f.tensors["init.weight"]!, role: .weight)
        bias = Parameter(f.tensors["init.bias"]!, role: .bias)
        normScale = Parameter(f.tensors["init.norm_scale"]!, role: .normScale)
    }
    mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("weight", &weight)
        visitor.visit("bias", &bias)
        visitor.visit("norm_scale", &normScale)
    }
}

final class OptimizerTests: XCTestCase {
    /// Runs 5 fixture steps and compares with the reference trajectory to 1e-6 relative.
    private func check<O: Optimizer>(_ name: String, _ make: () -> O, file: StaticString = #filePath, line: UInt = #line) throws {
        let f = try SafeTensors.read(from: Fixtures.url("nn/optimizers.safetensors"))
        var model = Toy(f)
        var opt = make()
        for s in 0..<5 {
            let grads = Dictionary(uniqueKeysWithValues: ["weight", "bias", "norm_scale"].map { ($0, f.tensors["grad\(s).\($0)"]!) })
            opt.step(model: &model, gradients: grads)
        }
        XCTAssertEqual(model.namedParameters.map(\.path), ["weight", "bias", "norm_scale"], file: file, line: line)
        for (path, p) in model.namedParameters {
            let expected = try XCTUnwrap(f.tensors["\(name).\(path)"], "\(name).\(path)", file: file, line: line)
            assertNormClose(p.value, expected, tolerance: 1e-6, "\(name) \(path): \(p.value.scalars) vs \(expected.scalars)", file: file, line: line)
        }
        XCTAssertEqual(opt.stepCount, 5)
    }

    func testSGDMatchesPyTorch() throws {
        try check("sgd") { SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 1e-2) }
        try check("sgd_nesterov") { SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-2) }
        try check("sgd_dampening") { SGD(learningRate: 0.05, momentum: 0.8, dampening: 0.3) }
        try check("sgd_plain") { SGD(learningRate: 0.1, weightDecay: 1e-3) }
    }

    func testAdamWMatchesPyTorch() throws {
        try check("adamw") { AdamW(learningRate: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.05) }
    }

    func testLARSMatchesReference() throws {
        try check("lars") { LARS(learningRate: 0.5, momentum: 0.9, weightDecay: 1e-2, trustCoefficient: 0.02) }
    }

    func testLAMBMatchesReference() throws {
        try check("lamb") { LAMB(learningRate: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-6, weightDecay: 0.01) }
    }

    func testParameterGroupsScaleLearningRateAndDecayByRole() throws {
        let f = try SafeTensors.read(from: Fixtures.url("nn/optimizers.safetensors"))
        var model = Toy(f)
        let zero = Dictionary(uniqueKeysWithValues: ["weight", "bias", "norm_scale"].map { ($0, Tensor(zeros: model.stateDict[$0]!.shape)) })
        var opt = SGD(learningRate: 0.1, weightDecay: 0.5, groups: [.normAndBiasWithoutDecay()])
        opt.step(model: &model, gradients: zero)
        XCTAssertEqual(model.bias.value.scalars, f.tensors["init.bias"]!.scalars, "no decay for biases")
        XCTAssertEqual(model.weight.value.scalars[0], f.tensors["init.weight"]!.scalars[0] * (1 - 0.05), accuracy: 1e-6)
        var model2 = Toy(f)
        let ones = zero.mapValues { Tensor(repeating: 1, shape: $0.shape) }
        var opt2 = SGD(learningRate: 0.1, groups: [.prefix("bias", learningRateScale: 0.1)])
        opt2.step(model: &model2, gradients: ones)
        XCTAssertEqual(model2.bias.value.scalars[0], f.tensors["init.bias"]!.scalars[0] - 0.01, accuracy: 1e-6)
        XCTAssertEqual(model2.weight.value.scalars[0], f.tensors["init.weight"]!.scalars[0] - 0.1, accuracy: 1e-6)
    }

    func testSchedules() {
        let s = WarmupCosineSchedule(base: 1, final: 0.1, warmupSteps: 10, totalSteps: 110)
        XCTAssertEqual(s.value(at: 0), 0.1, accuracy: 1e-6)
        XCTAssertEqual(s.value(at: 9), 1, accuracy: 1e-6)
        XCTAssertEqual(s.value(at: 10), 1, accuracy: 1e-6)
        XCTAssertEqual(s.value(at: 60), 0.55, accuracy: 1e-6)
        XCTAssertEqual(s.value(at: 110), 0.1, accuracy: 1e-6)
        let step = StepSchedule(base: 1, milestones: [30, 10], gamma: 0.1)
        XCTAssertEqual(step.value(at: 9), 1)
        XCTAssertEqual(step.value(at: 10), 0.1, accuracy: 1e-7)
        XCTAssertEqual(step.value(at: 30), 0.01, accuracy: 1e-7)
        XCTAssertEqual(ConstantSchedule(0.3).value(at: 1000), 0.3)
    }

    func testGlobalNormClipping() {
        var g: [String: Tensor] = ["a": Tensor([3, 0]), "b": Tensor([4])]
        let norm = GradientClipping.clipByGlobalNorm(&g, maxNorm: 1)
        XCTAssertEqual(norm, 5, accuracy: 1e-6)
        XCTAssertEqual(GradientClipping.globalNorm(g), 1, accuracy: 1e-5)
        XCTAssertEqual(g["a"]!.scalars[0], 0.6, accuracy: 1e-5)
        var small: [String: Tensor] = ["a": Tensor([0.3])]
        GradientClipping.clipByGlobalNorm(&small, maxNorm: 1)
        XCTAssertEqual(small["a"]!.scalars, [0.3])
    }

    func testEMAFollowsBYOLCosineMomentum() {
        let ema = EMA(baseMomentum: 0.996, totalSteps: 100)
        XCTAssertEqual(ema.momentum(at: 0), 0.996, accuracy: 1e-7)
        XCTAssertEqual(ema.momentum(at: 50), 1 - 0.004 * 0.5, accuracy: 1e-6)
        XCTAssertEqual(ema.momentum(at: 100), 1, accuracy: 1e-7)
        var target = TinyNet(seed: 1)
        var online = TinyNet(seed: 2)
        var ctx = Context(training: true)
        _ = online.forward(GradientCheck.random([2, 2, 3, 3], seed: 1), context: &ctx)
        let t0 = target.stateDict
        let o = online.stateDict
        EMA(baseMomentum: 0.9).update(target: &target, online: online, step: 0)
        let t1 = target.stateDict
        XCTAssertEqual(t1["head.weight"]!.scalars[0], 0.9 * t0["head.weight"]!.scalars[0] + 0.1 * o["head.weight"]!.scalars[0], accuracy: 1e-6)
        XCTAssertEqual(t1["bn.running_mean"]!.scalars, o["bn.running_mean"]!.scalars, "running statistics are copied")
        XCTAssertFalse(t1["bn.running_mean"]!.sharesStorage(with: o["bn.running_mean"]!))
    }
}
