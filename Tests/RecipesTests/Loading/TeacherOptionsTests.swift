import Foundation
import Recipes
import TestSupport
import XCTest

/// The `teachers` section of the distillation objectives: the new shape, the error for the old keys,
/// teachers that do not fit the student.
extension RecipeLoaderTests {
    private func kd(_ section: String, objective: String = "kd") -> String {
        minimal.replacingOccurrences(of: "name: supervised", with: "name: \(objective)\n  \(objective):\n" + section)
    }

    func testTeachersListLoadsAnEnsemble() throws {
        let r = try load(
            kd(
                """
                    teachers:
                      - {checkpoint: a.safetensors, model: {backbone: resnet18}}
                      - {checkpoint: b.safetensors, model: {backbone: resnet34}, normalize: {mean: [0.5, 0.5, 0.5], std: [0.2, 0.2, 0.2]}}
                """))
        let options = try XCTUnwrap(r.objective.options(as: KDOptions.self))
        XCTAssertEqual(options.teachers.map(\.checkpoint), ["a.safetensors", "b.safetensors"])
        XCTAssertNil(options.teachers[0].normalize)
        XCTAssertEqual(options.teachers[1].normalize?.std, [0.2, 0.2, 0.2])
        XCTAssertEqual(try RecipeLoader().load(yaml: try r.yamlString()), r, "round trip")
        let dkd = try load(kd("    teachers: [{checkpoint: a.safetensors, model: {backbone: resnet18}}]", objective: "dkd"))
        XCTAssertEqual(dkd.objective.options(as: DKDOptions.self)?.teachers.count, 1)
    }

    func testOldTeacherKeysSayHowToWriteTheList() {
        for objective in ["kd", "dkd"] {
            let e = error(
                kd(
                    """
                        teacher: runs/t/checkpoints/best.safetensors
                        teacher_model: {backbone: resnet34}
                    """, objective: objective))
            XCTAssertEqual(e?.keyPath, "objective.\(objective).teacher")
            XCTAssertTrue(e?.message.contains("teachers: [{checkpoint: PATH, model: {backbone:") == true, "\(String(describing: e))")
            let model = error(kd("    teacher_model: {backbone: resnet34}", objective: objective))
            XCTAssertEqual(model?.keyPath, "objective.\(objective).teacher_model")
        }
        XCTAssertEqual(error(kd("    teachers: []"))?.keyPath, "objective.kd.teachers")
    }

    func testTeacherThatDoesNotFitTheStudentNamesBoth() {
        let classes = error(kd("    teachers: [{checkpoint: a.safetensors, model: {backbone: resnet34, classes: 100}}]"))
        XCTAssertEqual(classes?.keyPath, "objective.kd.teachers.0.model.classes")
        let text = classes?.message ?? ""
        XCTAssertTrue(text.contains("teacher 0 (resnet34, 100 classes") && text.contains("the student (resnet18, 10 classes"), text)
        let channels = error(
            kd(
                "    teachers: [{checkpoint: a.safetensors, model: {backbone: resnet18}}, {checkpoint: b.safetensors, model: {backbone: resnet18, in_channels: 1}}]"
            ))
        XCTAssertEqual(channels?.keyPath, "objective.kd.teachers.1.model.in_channels")
        let normalize = error(kd("    teachers: [{checkpoint: a.safetensors, model: {backbone: resnet18}, normalize: {mean: [0.5], std: [0.2]}}]"))
        XCTAssertEqual(normalize?.keyPath, "objective.kd.teachers.0.normalize")
    }
}
