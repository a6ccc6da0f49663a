import Foundation

/// A resolved training recipe (design.md section 7): typed sections decoded from YAML by `RecipeLoader`,
/// with `base:` inheritance and `--set` overrides already applied. Keys are snake_case in YAML.
public struct Recipe: RecipeSection, Sendable, Equatable {
    /// Free text shown by `retort recipes list`.
    public var description: String?
    /// Stores, batching and views.
    public var data = DataOptions()
    /// Backbone and its options.
    public var model = ModelOptions()
    /// Objective and its options.
    public var objective = ObjectiveChoice(SupervisedOptions())
    /// Optimizer hyperparameters.
    public var optimizer = OptimizerOptions()
    /// Learning-rate schedule.
    public var schedule = ScheduleOptions()
    /// Loop length, cadence, seed, threads.
    public var train = TrainOptions()
    /// Evaluation during and after training.
    public var eval = EvalOptions()

    /// The sections, in the order resolved recipes list them (`data`, `model` and `objective` required).
    public static var fields: [RecipeField<Self>] {
        [
            .optional("description", \.description),
            .required("data", \.data),
            .required("model", \.model),
            .required("objective", \.objective),
            .init("optimizer", \.optimizer),
            .init("schedule", \.schedule),
            .init("train", \.train),
            .init("eval", \.eval),
        ]
    }

    /// Placeholders for the required sections (decoding always replaces them).
    public init() {}

    /// Creates a recipe with default optimizer, schedule, train and eval sections.
    public init(data: DataOptions, model: ModelOptions, objective: ObjectiveChoice) {
        self.data = data
        self.model = model
        self.objective = objective
    }

    /// The rules that span sections.
    public func validate(_ c: KeyedDecodingContainer<RecipeKey<Self>>) throws {
        if let problem = crossSectionProblem() { throw problem }
    }

    /// The first rule broken across sections (view counts, teacher/student compatibility), as an error.
    func crossSectionProblem() -> RecipeValueError? {
        if let problem = objective.options.problem(in: self) { return problem }
        if let normalize = data.normalize, normalize.mean.count != model.inChannels {
            return RecipeValueError(
                path: ["data", "normalize", "mean"],
                message: "normalisation has \(normalize.mean.count) channels but model.in_channels is \(model.inChannels)")
        }
        if eval.knnEvery > 0 || eval.linearProbe, data.test == nil {
            return RecipeValueError(path: ["data", "test"], message: "kNN and linear probe evaluation need a test store")
        }
        if eval.knnEvery > 0, data.valFraction == 0 {
            return RecipeValueError(
                path: ["eval", "knn_every"],
                message: "periodic kNN selects the best checkpoint, which needs a validation part of train: set data.val_fraction (e.g. 0.1)")
        }
        return nil
    }

    /// The recipe as YAML that `RecipeLoader` reads back to an equal recipe (saved as `resolved.yaml`).
    public func yamlString() throws -> String {
        try RecipeNodeEncoder.encode(self).yamlText()
    }
}
