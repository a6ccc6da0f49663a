import Backbones
import NN
import Objectives
import Support
import TensorCore
import TestSupport
import XCTest

/// Patient and consistent distillation: which view the teachers get in each setting, the KL at T = 1.
extension ObjectiveTests {
    /// The student's (tiny net, seed 3, training mode) and the teacher's (seed 4, inference) logits of `x`.
    private func referenceLogits(_ x: Tensor) -> (student: Tensor, teacher: Tensor) {
        var teacher = tinyNet(classes: 3, seed: 4)
        var student = tinyNet(classes: 3, seed: 3)
        var inference = Context(training: false, rng: Philox(seed: 1))
        var training = Context(training: true, rng: Philox(seed: 1))
        let t = teacher.forward(x, context: &inference)
        return (student.classify(student.features(x, context: &training))!, t)
    }

    func testFunctionMatchingTeacherViews() throws {
        let two = batch(views: 2)
        for setting in TeacherViewSetting.allCases {
            let fm = FunctionMatching<Net>(teachers: TeacherEnsemble(teacher: tinyNet(classes: 3, seed: 4)), setting: setting)
            let (student, teacher) = fm.views(two)
            XCTAssertEqual(student.scalars, two.views[0].scalars, setting.rawValue)
            switch setting {
            case .consistent, .functionMatching:
                XCTAssertEqual(fm.viewCount, 1)
                // Bit-identical: the same tensor for both networks (each teacher then applies its own normalisation).
                XCTAssertEqual(teacher.shape, student.shape)
                XCTAssertEqual(teacher.scalars.map(\.bitPattern), student.scalars.map(\.bitPattern), setting.rawValue)
            case .fixed, .independent:
                XCTAssertEqual(fm.viewCount, 2)
                XCTAssertEqual(teacher.scalars, two.views[1].scalars, setting.rawValue)
            }
        }
    }

    /// In function matching the mixed view reaches teacher and student alike: the loss is KL at T = 1
    /// between the student's and the teacher's logits of that one mixed tensor.
    func testFunctionMatchingLossOnTheSharedMixedView() throws {
        var student = tinyNet(classes: 3, seed: 3)
        var fm = FunctionMatching<Net>(teachers: TeacherEnsemble(teacher: tinyNet(classes: 3, seed: 4)), setting: .functionMatching)
        var b = batch(views: 1)
        let x = b.views[0]
        b.views[0] = x * 0.7 + Tensor.concatenate([x.slice(alongAxis: 0, 3..<4), x.slice(alongAxis: 0, 0..<3)], alongAxis: 0) * 0.3
        b.mix = MixInfo(lambda: 0.7, partner: [3, 0, 1, 2], box: nil)
        let (out, g) = try gradients(&fm, &student, b)
        XCTAssertEqual(out.terms.map(\.name), ["kl"])
        let (s, t) = referenceLogits(b.views[0])
        XCTAssertEqual(out.terms[0].value.scalar, KDLosses.hinton(student: s, teacher: t, temperature: 1).scalar, accuracy: 1e-5)
        XCTAssertNil(out.metrics["accuracy"], "no accuracy against unmixed labels on a mixed batch")
        XCTAssertGreaterThan(g["fc.weight"]!.abs().sum().scalar, 0)
    }

    func testSSLDIsTheSymmetricKLWithoutLabels() throws {
        var student = tinyNet(classes: 3, seed: 3)
        var ssld = SSLD<Net>(teachers: TeacherEnsemble(teacher: tinyNet(classes: 3, seed: 4)))
        XCTAssertFalse(ssld.needsLabels)
        var b = batch(views: 1)
        b.labels = nil
        let (out, g) = try gradients(&ssld, &student, b)
        XCTAssertEqual(out.terms.map(\.name), ["dml"])
        let (s, t) = referenceLogits(b.views[0])
        XCTAssertEqual(out.terms[0].value.scalar, KDLosses.dml(student: s, teacher: t).scalar, accuracy: 1e-5)
        XCTAssertNil(out.metrics["accuracy"])
        XCTAssertNotNil(out.metrics["agreement"])
        XCTAssertGreaterThan(g["fc.weight"]!.abs().sum().scalar, 0)
    }
}
