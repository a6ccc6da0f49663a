import Backbones
import Objectives

extension TeacherViewSetting: RecipeName {
    /// For messages.
    public static let kindName = "setting"
}

/// Options of patient and consistent distillation (Beyer et al. 2022): the teachers and the one key
/// that picks the paper's setting. `fixed` and `independent` take the teachers' view from `data.views[1]`
/// (a centre crop for `fixed`); `function_matching` needs `data.mix` (mixup or cutmix), which the loader
/// applies to the shared view before either network sees it.
public struct FunctionMatchingOptions: RecipeSection, Sendable, Equatable {
    /// The teachers (several: their mean softmax).
    public var teachers: [TeacherOptions] = []
    /// A teacher-logit cache read instead of running `teachers` (`teacher_cache`, `cache_targets`).
    public var teacherCache: TeacherCacheOptions?
    /// `fixed`, `independent`, `consistent` or `function_matching`.
    public var setting: TeacherViewSetting = .functionMatching

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .teacherSource(\.teachers, cache: \.teacherCache, objective: "function_matching"),
            .init("setting", \.setting),
        ]
    }

    /// Defaults (the teachers must still be set).
    public init() {}
}

extension FunctionMatchingOptions: ObjectiveConfiguration, DistillationOptions {
    /// `FunctionMatching` with the teachers loaded (strictly) from their checkpoints.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        FunctionMatching<B>(teachers: try TeacherOptions.ensemble(teachers, objective: "function_matching", setup: setup), setting: setting)
    }

    /// The teachers' architectures.
    public var models: [(path: [String], options: ModelOptions)] { TeacherOptions.models(teachers, objective: "function_matching") }

    /// Teachers that fit the student; two views for `fixed`/`independent`; `data.mix` exactly for `function_matching`.
    public func problem(in recipe: Recipe) -> RecipeValueError? {
        if let e = TeacherOptions.mismatch(teachers, objective: "function_matching", in: recipe) { return e }
        switch setting {
        case .fixed, .independent:
            if let e = requireViews(2, "function_matching with setting \(setting.rawValue) (the teachers' view is data.views[1])", in: recipe) {
                return e
            }
        case .consistent: break
        case .functionMatching:
            if recipe.data.mix == nil {
                return RecipeValueError(
                    path: ["data", "mix"], message: "setting function_matching needs data.mix (mixup or cutmix of the shared view)")
            }
        }
        if setting != .functionMatching, recipe.data.mix != nil {
            return RecipeValueError(
                path: ["objective", "function_matching", "setting"],
                message: "data.mix is on, which is the function_matching setting, but setting is \(setting.rawValue)")
        }
        return nil
    }
}
