import Backbones
import NN
import Objectives
import Support
import TensorCore
import TestSupport
import XCTest

/// MEAL V2: the soft CE to the teachers' mean softmax and the discriminator BCE, one backward that
/// reaches both the student and the discriminator; the teachers stay frozen.
extension ObjectiveTests {
    func testMEALV2TermsDiscriminatorAndGradients() throws {
        var student = tinyNet(classes: 8, seed: 3)
        let members = [TeacherEnsemble.Member(model: tinyNet(classes: 8, seed: 4)), TeacherEnsemble.Member(model: tinyNet(classes: 8, seed: 6))]
        var rng = Philox(seed: 9)
        var meal = MEALV2<Net>(teachers: TeacherEnsemble(members), classCount: 8, discriminatorReduction: 2, rng: &rng)
        XCTAssertFalse(meal.needsLabels)
        XCTAssertEqual(meal.discriminator.conv1.weight.shape, [4, 8])
        XCTAssertEqual(meal.discriminator.conv3.weight.shape, [2, 2])
        let b = batch(views: 1)
        var discriminator = meal.discriminator
        let (out, g) = try gradients(&meal, &student, b)
        XCTAssertEqual(out.terms.map(\.name), ["meal_v2", "discriminator"])
        // Recompute both terms from the networks' outputs.
        var teachers = TeacherEnsemble(members)
        let t = teachers.logits(b.views[0], rng: Philox(seed: 1))
        var training = Context(training: true, rng: Philox(seed: 1))
        var copy = tinyNet(classes: 8, seed: 3)
        let s = copy.classify(copy.features(b.views[0], context: &training))!
        XCTAssertEqual(out.terms[0].value.scalar, KDLosses.mealV2(student: s, teachers: t).scalar, accuracy: 1e-5)
        let d = discriminator.forward(Tensor.concatenate([s, TeacherEnsemble.meanLogits(t)], alongAxis: 0), context: &training)
        let n = s.shape[0]
        let bce = KDLosses.mealV2Discriminator(student: d.slice(alongAxis: 0, 0..<n), teacher: d.slice(alongAxis: 0, n..<(2 * n)))
        XCTAssertEqual(out.terms[1].value.scalar, bce.scalar, accuracy: 1e-5)
        let predicted = d.argmax(alongAxis: 1).scalars
        let correct = (0..<(2 * n)).filter { Int(predicted[$0]) == ($0 < n ? 0 : 1) }.count
        XCTAssertEqual(out.metrics["discriminator_accuracy"], Float(correct) / Float(2 * n))
        // One backward reaches the student and the discriminator, not the teachers.
        XCTAssertGreaterThan(g["fc.weight"]!.abs().sum().scalar, 0)
        XCTAssertGreaterThan(
            g["objective.discriminator.conv1.weight"]!.abs().sum().scalar
                + g["objective.discriminator.conv3.bias"]!.abs().sum().scalar, 0)
        XCTAssertEqual(
            Set(g.keys.filter { $0.hasPrefix("objective.") }),
            [
                "objective.discriminator.conv1.weight", "objective.discriminator.conv1.bias", "objective.discriminator.conv2.weight",
                "objective.discriminator.conv2.bias", "objective.discriminator.conv3.weight", "objective.discriminator.conv3.bias",
            ])
    }
}
