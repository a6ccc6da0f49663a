import Foundation
import NN
import Support
import TensorCore
import XCTest

/// The number of `Parameter` values reachable through stored properties, optionals, arrays and enum
/// payloads (reflection), to compare with what a layer's visitor reports.
func reflectedParameterCount(_ value: Any) -> Int {
    if value is Parameter { return 1 }
    if value is Tensor { return 0 }
    let mirror = Mirror(reflecting: value)
    return mirror.children.reduce(0) { $0 + reflectedParameterCount($1.value) }
}

/// The fixture folder Tests/Fixtures/nn.
let fixtureDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/nn")

/// Loads a fixture file.
func fixture(_ name: String) throws -> SafeTensors {
    try SafeTensors.read(from: fixtureDirectory.appendingPathComponent(name))
}

/// max |a - b| / max(|b|, floor) over elements.
func maxRelativeError(_ a: Tensor, _ b: Tensor, floor: Float = 1e-3) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) vs \(b.shape)")
    var worst: Float = 0
    for (x, y) in zip(a.scalars, b.scalars) { worst = max(worst, abs(x - y) / max(abs(y), floor)) }
    return worst
}

/// A temporary directory removed at the end of the test.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("retort-nn-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Bit patterns of a tensor's elements (for bit-exact comparisons).
func bits(_ t: Tensor) -> [UInt32] { t.scalars.map { $0.bitPattern } }

/// A small model: conv, BN, ReLU, global pool, linear (used by checkpoint and training-step tests).
struct TinyNet: TensorLayer {
    var conv: Conv2D
    var bn: BatchNorm
    var head: Linear

    init(seed: UInt64 = 1) {
        var rng = Philox(seed: seed)
        conv = Conv2D(inputChannels: 2, outputChannels: 4, kernel: 3, padding: 1, bias: false, rng: &rng)
        bn = BatchNorm(featureCount: 4)
        head = Linear(inputCount: 4, outputCount: 3, rng: &rng)
    }

    mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("conv", &conv)
        visitor.visit("bn", &bn)
        visitor.visit("head", &head)
    }

    mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        head(bn.forward(conv(input), context: &context).relu().globalAveragePool())
    }
}

/// ‖a − b‖ / ‖b‖ (norm-wise relative error, robust to individual elements near zero).
func normRelativeError(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) vs \(b.shape)")
    var d = 0.0, n = 0.0
    for (x, y) in zip(a.scalars, b.scalars) { d += Double(x - y) * Double(x - y); n += Double(y) * Double(y) }
    return Float((d / max(n, 1e-30)).squareRoot())
}
