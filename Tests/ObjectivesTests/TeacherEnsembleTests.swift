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
        var two = TeacherEnsemble([
            TeacherEnsemble.Member(model: tinyNet(classes: 3, seed: 4)), TeacherEnsemble.Member(model: tinyNet(classes: 3, seed: 6)),
        ])
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

    func testDistillationHeldOutMetricsFollowTheirDefinitions() throws {
        // Two batches of a pass; the student is another net, so agreement and KL are not trivial.
        let batches = [batch(views: 1, n: 4), batch(views: 1, n: 3)]
        let pass = DatasetPass(sampleCount: 7) { visit in for b in batches { try visit(b) } }
        var kd = HintonKD<Net>(teachers: TeacherEnsemble(teacher: tinyNet(classes: 3, seed: 4)))
        var student = tinyNet(classes: 3, seed: 9)
        let metrics = try kd.validationMetrics(model: &student, data: pass)
        var agreed = 0.0
        var kl = 0.0
        var correct = 0.0
        for b in batches {
            var context = Context(training: false, rng: Philox(seed: 0))
            let t = kd.teachers.logits(b.views[0], rng: Philox(seed: 0))[0]
            let s = student.forward(b.views[0], context: &context)
            let pt = t.softmax(alongAxis: 1).scalars
            let ls = s.logSoftmax(alongAxis: 1).scalars
            for i in 0..<b.count {
                let row = (3 * i)..<(3 * i + 3)
                let ti = row.max { pt[$0] < pt[$1] }!
                let si = row.max { ls[$0] < ls[$1] }!
                agreed += ti - 3 * i == si - 3 * i ? 1 : 0
                correct += ti - 3 * i == Int(b.labels!.scalars[i]) ? 1 : 0
                kl += row.reduce(0.0) { $0 + Double(pt[$1]) * (log(Double(pt[$1])) - Double(ls[$1])) }
            }
        }
        XCTAssertEqual(Double(metrics["agreement"]!), agreed / 7, accuracy: 1e-6)
        XCTAssertEqual(Double(metrics["teacher_accuracy"]!), correct / 7, accuracy: 1e-6)
        XCTAssertEqual(Double(metrics["teacher_kl"]!), kl / 7, accuracy: 1e-5)
        XCTAssertGreaterThan(metrics["teacher_kl"]!, 0)
        // The teacher as its own student: full agreement, no divergence.
        var same = tinyNet(classes: 3, seed: 4)
        let own = try kd.validationMetrics(model: &same, data: pass)
        XCTAssertEqual(own["agreement"], 1)
        XCTAssertEqual(Double(own["teacher_kl"]!), 0, accuracy: 1e-6)
    }
}
