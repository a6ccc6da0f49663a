import Backbones
import NN
import Objectives
import Support
import TensorCore
import TestSupport
import XCTest

/// The teacher ensemble: each teacher's own normalisation of the shared view, the averaged-softmax
/// target, inference mode.
extension ObjectiveTests {
    func testTeacherSeesTheViewUnderItsOwnNormalisation() {
        // Pixels x in [0, 1]; the run normalises with (0.5, 0.25), the teacher was trained with (0.2, 0.4).
        let x = GradientCheck.random([2, 1, 4, 4], in: 0, 1, seed: 21)
        let run = (x - 0.5) / 0.25
        let member = TeacherEnsemble.Member(model: tinyNet(classes: 3, seed: 4), run: ([0.5], [0.25]), own: ([0.2], [0.4]))
        assertClose(member.input(run), (x - 0.2) / 0.4, atol: 1e-6, rtol: 1e-6, "renormalised view")
        // The same statistics: the very same tensor, no arithmetic.
        let same = TeacherEnsemble.Member(model: tinyNet(classes: 3, seed: 4), run: ([0.5], [0.25]), own: ([0.5], [0.25]))
        XCTAssertNil(same.scale)
        XCTAssertEqual(same.input(run).scalars, run.scalars)
        // No run normalisation (raw pixels) and a teacher with its own.
        let raw = TeacherEnsemble.Member(model: tinyNet(classes: 3, seed: 4), run: nil, own: ([0.2], [0.4]))
        assertClose(raw.input(x), (x - 0.2) / 0.4, atol: 1e-6, rtol: 1e-6, "from raw pixels")
    }

    func testEnsembleTargetIsTheMeanSoftmax() {
        var one = TeacherEnsemble(teacher: tinyNet(classes: 3, seed: 4))
        var two = TeacherEnsemble([TeacherEnsemble.Member(model: tinyNet(classes: 3, seed: 4)), TeacherEnsemble.Member(model: tinyNet(classes: 3, seed: 6))])
        let x = batch(views: 1).views[0]
        let single = one.logits(x, rng: Philox(seed: 1))
        XCTAssertEqual(single.count, 1)
        XCTAssertEqual(TeacherEnsemble.targetLogits(single).scalars, single[0].scalars, "one teacher: its own logits")
        let both = two.logits(x, rng: Philox(seed: 1))
        XCTAssertEqual(both[0].scalars, single[0].scalars, "each teacher runs on the same view")
        XCTAssertNotEqual(both[1].scalars, both[0].scalars)
        let target = TeacherEnsemble.targetLogits(both).softmax(alongAxis: 1)
        let mean = (both[0].softmax(alongAxis: 1) + both[1].softmax(alongAxis: 1)) * 0.5
        assertClose(target, mean, atol: 1e-6, rtol: 1e-5, "softmax of the target = mean softmax")
        assertClose(TeacherEnsemble.meanLogits(both), (both[0] + both[1]) * 0.5, atol: 1e-6, rtol: 1e-6, "mean logits")
        // Inference mode: no statistics moved, and teachers are frozen.
        XCTAssertTrue(two.members.allSatisfy { member in member.model.namedParameters.allSatisfy { !$0.parameter.isTrainable } })
    }
}
