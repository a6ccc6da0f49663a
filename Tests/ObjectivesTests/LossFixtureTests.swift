import XCTest
import TensorCore
import Objectives

/// Loss values and gradients against PyTorch-made fixtures (Tests/Fixtures/make_objective_fixtures.py).
final class LossFixtureTests: XCTestCase {
    func testBYOLSymmetricLossMatchesPyTorch() throws {
        let fx = try loadFixture("objectives/byol.json")
        let shape = Shape([6, 8])
        let tape = Tape()
        let p1 = tape.watch(Tensor(shape: shape, scalars: floats(fx, "p1")))
        let p2 = tape.watch(Tensor(shape: shape, scalars: floats(fx, "p2")))
        let z1 = tape.watch(Tensor(shape: shape, scalars: floats(fx, "z1")))
        let z2 = tape.watch(Tensor(shape: shape, scalars: floats(fx, "z2")))
        let loss = SSLLosses.byolSymmetric(predictions: (p1, p2), targets: (z1, z2))
        XCTAssertEqual(loss.scalar, Float((fx["loss"] as! NSNumber).doubleValue), accuracy: 1e-5)
        let g = tape.gradients(of: loss, wrt: [p1, p2, z1])
        assertClose(g[0].scalars, floats(fx, "grad_p1"), rtol: 1e-4, "grad p1")
        assertClose(g[1].scalars, floats(fx, "grad_p2"), rtol: 1e-4, "grad p2")
        XCTAssertEqual(g[2].scalars, [Float](repeating: 0, count: 48), "targets get no gradient")
    }

    func testHintonKDMatchesPyTorch() throws {
        let fx = try loadFixture("objectives/kd.json")
        let shape = Shape([5, 7])
        let tape = Tape()
        let s = tape.watch(Tensor(shape: shape, scalars: floats(fx, "student")))
        let t = Tensor(shape: shape, scalars: floats(fx, "teacher"))
        let labels = IntTensor((fx["labels"] as! [Int]))
        let temperature = Float((fx["temperature"] as! NSNumber).doubleValue)
        let alpha = Float((fx["alpha"] as! NSNumber).doubleValue)
        let soft = KDLosses.hinton(student: s, teacher: t, temperature: temperature)
        XCTAssertEqual(soft.scalar, Float((fx["soft"] as! NSNumber).doubleValue), accuracy: 1e-5)
        let terms = KDLosses.hinton(student: s, teacher: t, labels: labels, temperature: temperature, alpha: alpha)
        let total = terms.hard + terms.soft
        XCTAssertEqual(total.scalar, Float((fx["total"] as! NSNumber).doubleValue), accuracy: 1e-5)
        let g = tape.gradients(of: total, wrt: [s])[0]
        assertClose(g.scalars, floats(fx, "grad_student"), rtol: 1e-4, "grad student")
    }

    func testLossGradientsByFiniteDifferences() {
        let p = GradientCheck.random([4, 5], seed: 1), z = GradientCheck.random([4, 5], seed: 2)
        let r1 = GradientCheck.check([p]) { SSLLosses.byolRegression(prediction: $0[0], target: z) }
        XCTAssertLessThan(r1.maxRelativeError, 2e-2, "\(r1)")
        let r2 = GradientCheck.check([p], step: 1e-3) { KDLosses.hinton(student: $0[0], teacher: z, temperature: 2) }
        XCTAssertLessThan(r2.maxRelativeError, 2e-2, "\(r2)")
    }
}
