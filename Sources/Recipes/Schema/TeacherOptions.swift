import Backbones
import Foundation
import Objectives

/// One entry of a distillation objective's `teachers` list, the one teacher shape of every KD
/// objective (`kd`, `dkd`):
/// ```yaml
/// teachers:
///   - checkpoint: runs/supervised-resnet18-fmnist/checkpoints/best.safetensors
///     model: {backbone: resnet18, stem: cifar, in_channels: 1, classes: 10}
///     normalize: {mean: [0.2860], std: [0.3530]}   # optional: the teacher's own; absent: data.normalize
/// ```
/// Each teacher is loaded strictly from its checkpoint, frozen, and run in inference mode on the
/// batch's view renormalised to its own statistics; several entries form an ensemble
/// (`TeacherEnsemble`: softmaxes averaged at T = 1).
public struct TeacherOptions: RecipeSection, Sendable, Equatable {
    /// The checkpoint (safetensors) path, relative to the working directory.
    public var checkpoint = ""
    /// The teacher's architecture (a `model` section).
    public var model = ModelOptions()
    /// The normalisation the teacher was trained with; nil: the run's `data.normalize`.
    public var normalize: NormalizeOptions?

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [.required("checkpoint", \.checkpoint, .nonEmpty), .required("model", \.model), .optional("normalize", \.normalize)]
    }

    /// No checkpoint yet (an entry must give one).
    public init() {}

    /// A teacher entry.
    public init(checkpoint: String, model: ModelOptions, normalize: NormalizeOptions? = nil) {
        self.checkpoint = checkpoint
        self.model = model
        self.normalize = normalize
    }

    /// The teacher's own normalisation has as many channels as its model takes.
    public func validate(_ c: KeyedDecodingContainer<RecipeKey<Self>>) throws {
        if let n = normalize, n.mean.count != model.inChannels {
            throw c.invalid(RecipeKey("normalize"), "has \(n.mean.count) channels but the teacher takes \(model.inChannels) (model.in_channels)")
        }
    }

    /// How the old single-teacher keys are written now (the error for `teacher` / `teacher_model`).
    static func movedMessage(objective: String) -> String {
        "objective.\(objective).teacher and teacher_model moved into a list: write `teachers: [{checkpoint: PATH, "
            + "model: {backbone: resnet18, stem: cifar, in_channels: 1, classes: 10}, normalize: {mean: [...], std: [...]}}]` "
            + "(normalize is optional: the run's data.normalize when absent)"
    }

    /// The `[path, options]` pairs of `teachers`' models under `objective.<name>.teachers.<i>.model`.
    static func models(_ teachers: [TeacherOptions], objective: String) -> [(path: [String], options: ModelOptions)] {
        teachers.enumerated().map { (["objective", objective, "teachers", "\($0.offset)", "model"], $0.element.model) }
    }

    /// An error when a teacher does not fit the student (class count, input channels), naming both.
    static func mismatch(_ teachers: [TeacherOptions], objective: String, in recipe: Recipe) -> RecipeValueError? {
        let student = recipe.model
        for (i, t) in teachers.enumerated() {
            let path = ["objective", objective, "teachers", "\(i)", "model"]
            let both =
                "teacher \(i) (\(t.model.backbone), \(t.model.classes) classes, \(t.model.inChannels) input channels) "
                + "vs the student (\(student.backbone), \(student.classes) classes, \(student.inChannels) input channels)"
            if t.model.classes != student.classes { return RecipeValueError(path: path + ["classes"], message: "class counts differ: " + both) }
            if t.model.inChannels != student.inChannels {
                return RecipeValueError(path: path + ["in_channels"], message: "input channels differ: " + both)
            }
        }
        return nil
    }

    /// The frozen ensemble of `teachers`, each loaded strictly; a checkpoint that does not fit its
    /// `model` is an error naming the entry, its architecture and the key.
    static func ensemble(_ teachers: [TeacherOptions], objective: String, setup: ObjectiveSetup) throws -> TeacherEnsemble {
        let run = setup.recipe.data.normalize.map { (mean: $0.mean.map(Float.init), std: $0.std.map(Float.init)) }
        var members: [TeacherEnsemble.Member] = []
        for (i, t) in teachers.enumerated() {
            let key = "objective.\(objective).teachers.\(i).checkpoint"
            let model: any Backbone
            do {
                model = try setup.loadModel(t.model, from: t.checkpoint, key: key)
            } catch let e as TrainError {
                throw e
            } catch {
                throw TrainError.incompatibleData(
                    "\(key): \(t.checkpoint) does not fit teacher \(i)'s model "
                        + "(\(t.model.backbone), width \(t.model.width), \(t.model.classes) classes): \(error)")
            }
            let own = (t.normalize ?? setup.recipe.data.normalize).map { (mean: $0.mean.map(Float.init), std: $0.std.map(Float.init)) }
            members.append(TeacherEnsemble.Member(model: model, run: run, own: own))
        }
        return TeacherEnsemble(members)
    }
}

extension KeyedDecodingContainer {
    /// The `teachers` list at `key` (at least `minimum` entries); the old `teacher`/`teacher_model`
    /// keys (`oldKeys`) are an error that shows the new shape.
    func loadTeachers(_ key: Key, oldKeys: [Key], objective: String, minimum: Int = 1) throws -> [TeacherOptions] {
        if let old = oldKeys.first(where: { contains($0) }) {
            throw invalid(old, TeacherOptions.movedMessage(objective: objective), suggestion: "teachers")
        }
        return try require(
            key,
            ValueCheck<[TeacherOptions]> {
                $0.count >= minimum ? nil : "must list at least \(minimum) teacher\(minimum == 1 ? "" : "s"), got \($0.count)"
            })
    }
}
