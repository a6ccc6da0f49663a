import Foundation
import NN
import TensorCore
import XCTest

/// The number of `Parameter` values reachable by reflection (see NNTests).
func reflectedParameterCount(_ value: Any) -> Int {
    if value is Parameter { return 1 }
    if value is Tensor { return 0 }
    return Mirror(reflecting: value).children.reduce(0) { $0 + reflectedParameterCount($1.value) }
}

/// Tests/Fixtures/nn.
let fixtureDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/nn")

/// Loads a fixture file.
func fixture(_ name: String) throws -> SafeTensors {
    try SafeTensors.read(from: fixtureDirectory.appendingPathComponent(name))
}

/// ‖a − b‖ / ‖b‖.
func normRelativeError(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) vs \(b.shape)")
    var d = 0.0, n = 0.0
    for (x, y) in zip(a.scalars, b.scalars) { d += Double(x - y) * Double(x - y); n += Double(y) * Double(y) }
    return Float((d / max(n, 1e-30)).squareRoot())
}

/// max |a − b| / max(|b|, floor).
func maxRelativeError(_ a: Tensor, _ b: Tensor, floor: Float = 1e-3) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) vs \(b.shape)")
    var worst: Float = 0
    for (x, y) in zip(a.scalars, b.scalars) { worst = max(worst, abs(x - y) / max(abs(y), floor)) }
    return worst
}

/// Whether every element is finite.
func allFinite(_ t: Tensor) -> Bool { t.scalars.allSatisfy { $0.isFinite } }

/// max |a − b| / max |b| (elementwise error relative to the tensor's scale).
func scaleRelativeError(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) vs \(b.shape)")
    let scale = b.scalars.map(abs).max() ?? 0
    return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max().map { $0 / max(scale, 1e-30) } ?? 0
}
