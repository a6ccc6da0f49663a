import Backbones
import DataStore
import Foundation
import NN
import Objectives
import Support

/// An objective's typed options, decoded from the recipe's `objective.<name>` section with the
/// recipe errors (unknown keys with file, line and a suggestion; checked values), plus the factory
/// that builds the objective around a backbone. One struct per objective, named by one row of
/// `ObjectiveRegistry`.
public protocol ObjectiveConfiguration: Codable, Sendable, Equatable {
    /// The options with the method's reference defaults (what `retort objectives list` shows).
    init()
    /// Builds the objective around `model` (the backbone being trained); `setup` gives the recipe,
    /// a seeded RNG for the objective's own modules and teacher loading.
    func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B>
    /// A rule this objective needs across recipe sections (view count, teacher/student classes), as an error.
    func problem(in recipe: Recipe) -> RecipeValueError?
    /// The models the options name besides `model` (teachers), with their key paths, so that the
    /// loader checks their backbone names against the zoo.
    var models: [(path: [String], options: ModelOptions)] { get }
    /// What the loader's workers do with captions (tokenise, augment, mask) for this objective;
    /// nil: captions stay strings (`TrainingBatch.texts`) and `TrainingBatch.text` is nil.
    func textPipeline(seed: UInt64) throws -> TextPipeline?
    /// The teacher-logit cache a distillation objective reads instead of running its teachers
    /// (`teacher_cache`); the runner attaches its outputs to every batch (`TrainingBatch.teacherOutputs`).
    var teacherCacheOptions: TeacherCacheOptions? { get }
    /// A distillation objective's `teachers` entries (recorded in the caches made from it).
    var teacherEntries: [TeacherOptions] { get }
}

extension ObjectiveConfiguration {
    /// No cross-section rules unless the objective has some.
    public func problem(in recipe: Recipe) -> RecipeValueError? { nil }
    /// No other models unless the objective names some.
    public var models: [(path: [String], options: ModelOptions)] { [] }
    /// No tokenised text unless the objective trains a text tower.
    public func textPipeline(seed: UInt64) throws -> TextPipeline? { nil }
    /// No teacher cache unless a distillation objective names one.
    public var teacherCacheOptions: TeacherCacheOptions? { nil }
    /// No teachers unless a distillation objective lists some.
    public var teacherEntries: [TeacherOptions] { [] }

    /// Whether `other` holds the same options.
    func isEqual(to other: any ObjectiveConfiguration) -> Bool { (other as? Self) == self }

    /// An error unless the recipe makes at least `count` views per sample.
    func requireViews(_ count: Int, _ name: String, in recipe: Recipe) -> RecipeValueError? {
        recipe.data.viewCount >= count
            ? nil
            : RecipeValueError(path: ["data", "views"], message: "\(name) needs at least \(count) views per sample, got \(recipe.data.viewCount)")
    }
}

/// What an objective's factory gets besides its options and the backbone.
public struct ObjectiveSetup {
    /// The resolved recipe.
    public let recipe: Recipe
    /// A generator seeded from `train.seed` for the objective's own modules (heads, prototypes).
    public var rng: Philox

    /// The setup for `recipe`.
    public init(recipe: Recipe) {
        self.recipe = recipe
        self.rng = Philox(seed: recipe.train.seed, keys: [0x6f626a])  // "obj"
    }

    /// The classifier classes of the recipe's model (probes, students).
    public var classCount: Int { recipe.model.classes }

    /// A frozen-ready model of architecture `options` loaded (strictly) from the checkpoint at `path`;
    /// `key` names the recipe field for the error when the file is missing.
    public func loadModel(_ options: ModelOptions, from path: String, key: String) throws -> any Backbone {
        try options.makeBackbone(seed: 0, loading: path, what: "checkpoint (\(key))")
    }
}
