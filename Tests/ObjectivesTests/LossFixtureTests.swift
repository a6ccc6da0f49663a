import Objectives
import TensorCore
import TestSupport
import XCTest

/// Loss values and gradients against PyTorch-made fixtures (Tests/Fixtures/make_objective_fixtures.py).
final class LossFixtureTests: XCTestCase {
    func testBYOLSymmetricLossMatchesPyTorch() throws {
        let fx = try Fixtures.json("objectives/byol.json")
        let shape = Shape([6, 8])
        let tape = Tape()
        let p1 = tape.watch(Tensor(shape: shape, scalars: try Fixtures.floats(fx, "p1")))
        let p2 = tape.watch(Tensor(shape: shape, scalars: try Fixtures.floats(fx, "p2")))
        let z1 = tape.watch(Tensor(shape: shape, scalars: try Fixtures.floats(fx, "z1")))
        let z2 = tape.watch(Tensor(shape: shape, scalars: try Fixtures.floats(fx, "z2")))
        let loss = SSLLosses.byolSymmetric(predictions: (p1, p2), targets: (z1, z2))
        XCTAssertEqual(loss.scalar, try Fixtures.float(fx, "loss"), accuracy: 1e-5)
        let g = tape.gradients(of: loss, wrt: [p1, p2, z1])
        assertClose(g[0].scalars, try Fixtures.floats(fx, "grad_p1"), atol: 1e-7, rtol: 1e-4, "grad p1")
        assertClose(g[1].scalars, try Fixtures.floats(fx, "grad_p2"), atol: 1e-7, rtol: 1e-4, "grad p2")
        XCTAssertEqual(g[2].scalars, [Float](repeating: 0, count: 48), "targets get no gradient")
    }

    func testHintonKDMatchesPyTorch() throws {
        let fx = try Fixtures.json("objectives/kd.json")
        let shape = Shape([5, 7])
        let tape = Tape()
        let s = tape.watch(Tensor(shape: shape, scalars: try Fixtures.floats(fx, "student")))
        let t = Tensor(shape: shape, scalars: try Fixtures.floats(fx, "teacher"))
        let labels = IntTensor(try XCTUnwrap(fx["labels"] as? [Int], "labels"))
        let temperature = try Fixtures.float(fx, "temperature")
        let alpha = try Fixtures.float(fx, "alpha")
        let soft = KDLosses.hinton(student: s, teacher: t, temperature: temperature)
        XCTAssertEqual(soft.scalar, try Fixtures.float(fx, "soft"), accuracy: 1e-5)
        let terms = KDLosses.hinton(student: s, teacher: t, labels: labels, temperature: temperature, alpha: alpha)
        let total = terms.hard + terms.soft
        XCTAssertEqual(total.scalar, try Fixtures.float(fx, "total"), accuracy: 1e-5)
        let g = tape.gradients(of: total, wrt: [s])[0]
        assertClose(g.scalars, try Fixtures.floats(fx, "grad_student"), atol: 1e-7, rtol: 1e-4, "grad student")
    }

    func testLossGradientsByFiniteDifferences() {
        let p = GradientCheck.random([4, 5], seed: 1)
        let z = GradientCheck.random([4, 5], seed: 2)
        assertGradients([p], "BYOL regression") { SSLLosses.byolRegression(prediction: $0[0], target: z) }
        assertGradients([p], "Hinton KD") { KDLosses.hinton(student: $0[0], teacher: z, temperature: 2) }
    }
}
