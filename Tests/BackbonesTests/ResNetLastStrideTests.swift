import Backbones
import NN
import Support
import TensorCore
import XCTest

/// `lastStride: 1` keeps the C5 map at the resolution of C4 with the same weights.
final class ResNetLastStrideTests: XCTestCase {
    func testLastStrideOneGivesA14x14MapAt56Pixels() throws {
        let x = Tensor(shape: [2, 1, 56, 56], scalars: (0..<(2 * 56 * 56)).map { Float($0 % 17) / 17 })
        var shapes: [Int: [Shape]] = [:]
        var names: [Int: [String]] = [:]
        for stride in [2, 1] {
            var rng = Philox(seed: 1)
            var options = BackboneOptions(inputChannels: 1, stem: .cifar, width: 0.125)
            options.lastStride = stride
            var model = try Zoo.make("resnet18", options: options, rng: &rng)
            var context = Context(training: false)
            let out = model.extract(x, context: &context)
            shapes[stride] = out.intermediates.map(\.shape)
            names[stride] = model.namedParameters.map { "\($0.path) \($0.parameter.shape)" }
            XCTAssertEqual(out.features.shape, [2, 64])
        }
        XCTAssertEqual(shapes[2]?.last, [2, 64, 7, 7])
        XCTAssertEqual(shapes[1]?.last, [2, 64, 14, 14])
        XCTAssertEqual(shapes[1]?.dropLast(), shapes[2]?.dropLast(), "the first three stages are unchanged")
        XCTAssertEqual(names[1], names[2], "the same parameters: a checkpoint loads into either")
    }

    func testInvalidLastStrideIsAZooError() {
        var rng = Philox(seed: 1)
        var options = BackboneOptions(stem: .cifar)
        options.lastStride = 3
        XCTAssertThrowsError(try Zoo.make("resnet18", options: options, rng: &rng)) { e in
            XCTAssertTrue("\(e)".contains("lastStride"), "\(e)")
        }
        options.lastStride = 1
        XCTAssertThrowsError(try Zoo.make("vit_tiny", options: options, rng: &rng)) { e in
            XCTAssertTrue("\(e)".contains("lastStride"), "\(e)")
        }
    }
}
