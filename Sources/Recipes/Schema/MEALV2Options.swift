import Backbones
import Objectives

/// Options of MEAL V2 (szq0214/MEAL-V2 `train.py`): the teacher ensemble (at least two) and the
/// discriminator's width reduction. The discriminator's learning rate is an `optimizer.groups` entry
/// over `objective.discriminator.*` (the reference's `d_lr` 1e-4; note that its `_set_learning_rate`
/// overwrites every group's rate each epoch, so its runs actually train the discriminator at the
/// student's rate); the student starts from `model.init`, as the reference starts from a trained model.
public struct MEALV2Options: RecipeSection, Sendable, Equatable {
    /// The teachers (at least two; their softmaxes are averaged at T = 1).
    public var teachers: [TeacherOptions] = []
    /// A teacher-logit cache read instead of running `teachers` (`teacher_cache`, `cache_targets`; made from at least two teachers).
    public var teacherCache: TeacherCacheOptions?
    /// Width reduction k of the discriminator: C → C/k → C/k² → 2 (the reference: 8 for 1000 classes).
    public var discriminatorReduction: Int = 8

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .teacherSource(\.teachers, cache: \.teacherCache, objective: "meal_v2", minimum: 2),
            .init("discriminator_reduction", \.discriminatorReduction, .atLeast(1)),
        ]
    }

    /// Defaults (the teachers must still be set).
    public init() {}
}

extension MEALV2Options: ObjectiveConfiguration, DistillationOptions {
    /// `MEALV2` with the teachers loaded (strictly) and a discriminator drawn from the objective's RNG.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        let ensemble = try TeacherOptions.ensemble(teachers, objective: "meal_v2", setup: setup)
        return MEALV2<B>(teachers: ensemble, classCount: setup.classCount, discriminatorReduction: discriminatorReduction, rng: &setup.rng)
    }

    /// The teachers' architectures.
    public var models: [(path: [String], options: ModelOptions)] { TeacherOptions.models(teachers, objective: "meal_v2") }

    /// Every teacher must fit the student, and the discriminator must keep a hidden unit.
    public func problem(in recipe: Recipe) -> RecipeValueError? {
        if let e = TeacherOptions.mismatch(teachers, objective: "meal_v2", in: recipe) { return e }
        let k = discriminatorReduction
        let c = recipe.model.classes
        if c / k / k < 1 {
            return RecipeValueError(
                path: ["objective", "meal_v2", "discriminator_reduction"],
                message: "\(c) classes / \(k) / \(k) leaves no hidden unit in the discriminator; use a smaller reduction")
        }
        return nil
    }
}
