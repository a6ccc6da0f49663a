import Backbones
import Foundation
import NN
import Objectives
import Support
import TensorCore

/// Runs a recipe: the backbone from the zoo (or `model.init`), the objective from its registry row,
/// then `RunLoop` (epochs, hooks, metrics, checkpoints, evaluation) around `TrainStep` (one step,
/// gradients, optimizers). A killed run resumes bit-exactly from its last checkpoint set.
/// It changes no process-wide setting: the application sets the compute threads first
/// (`Threading.setCount(recipe.train.threadCount)`, as `retort train` does).
public struct Trainer {
    /// The resolved recipe.
    public var recipe: Recipe
    /// The run folder.
    public var run: RunDirectory
    /// Where progress lines go (stderr by default; nowhere on the ranks other than 0 of a data-parallel run).
    public var log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// Whether to draw an updating progress line (nil: when stderr is a terminal).
    public var interactive: Bool? = nil
    /// Test hook: stop (as if killed) after this many optimizer steps of this process.
    public var stopAfterSteps: Int? = nil
    /// Where checkpoints are written (a test injects a full disk).
    public var fileSystem: any FileSystem = POSIXFileSystem()
    /// The ranks of a data-parallel run (`mpirun -np N retort train`): each rank loads its share of
    /// every global batch (`data.batch_size` / N), gradients are summed over ranks and divided by N,
    /// and rank 0 alone writes metrics, checkpoints, evaluations and the summary. One process by default.
    public var communicator: any Communicator = SingleProcess()

    /// A trainer for `recipe` writing into `run`.
    public init(recipe: Recipe, run: RunDirectory) {
        self.recipe = recipe
        self.run = run
    }

    /// Trains (or resumes, when `resume`) the recipe's objective and returns the summary.
    @discardableResult
    public func train(resume: Bool = false) throws -> RunSummary {
        try train(resume: resume) { backbone, setup in try recipe.objective.options.makeObjective(model: backbone, setup: &setup) }
    }

    /// Trains an objective built by `makeObjective` instead of the registry's (a method not in the
    /// registry yet, or a test objective); the recipe's objective section still names the run.
    @discardableResult
    public func train<O: Objective>(resume: Bool = false, objective makeObjective: (O.Model, inout ObjectiveSetup) throws -> O) throws -> RunSummary {
        try train(resume: resume) { (backbone: any Backbone, setup: inout ObjectiveSetup) -> any Objective in
            guard let model = backbone as? O.Model else {
                throw TrainError.incompatibleData(
                    "the objective trains \(O.Model.self), model.backbone '\(recipe.model.backbone)' is \(type(of: backbone))")
            }
            return try makeObjective(model, &setup)
        }
    }

    /// Scores the run's checkpoint set `name` (`last`, or a `checkpoint_every` set) on the validation
    /// part, as the run itself does: `val_knn_top1`, the objective's validation metrics (`val_`
    /// prefixed, e.g. SwAV's `val_prototypes_used`) and the checkpoint's `step`.
    public func evaluate(checkpoint name: String = "last") throws -> [String: Double] {
        let (objective, backbone) = try makeObjective { backbone, setup in try recipe.objective.options.makeObjective(model: backbone, setup: &setup)
        }
        return try evaluate(objective, backbone: backbone, checkpoint: name)
    }

    private func train(resume: Bool, _ make: (any Backbone, inout ObjectiveSetup) throws -> any Objective) throws -> RunSummary {
        // Ranks other than 0 of a data-parallel run log nothing (rank 0 speaks for the job).
        var trainer = self
        if !communicator.isWriter { trainer.log = { _ in } }
        let (objective, backbone) = try trainer.makeObjective(make)
        return try trainer.start(objective, backbone: backbone, resume: resume)
    }

    /// The initial backbone and the objective around it (with the generic online probe when asked).
    private func makeObjective(_ make: (any Backbone, inout ObjectiveSetup) throws -> any Objective) throws -> (any Objective, any Backbone) {
        let backbone = try recipe.trainedModel.makeInitialBackbone(seed: recipe.train.seed)
        var setup = ObjectiveSetup(recipe: recipe)
        var objective = withCachedTeachers(try make(backbone, &setup), setup: setup)
        // `eval.online_probe` for every objective: wrapped unless it trains its own probe (`probe.*`).
        if recipe.eval.onlineProbe, !objective.namedParameters.contains(where: { $0.path.hasPrefix("probe.") }) {
            objective = Self.withProbe(objective, backbone: backbone, setup: &setup)
        }
        return (objective, backbone)
    }

    /// A distillation objective that reads a teacher cache gets the cache's teachers back (when the cache
    /// records them and their checkpoints still load) for its held-out teacher–student metrics
    /// (`Distilling`); its training still reads the cache (`DistillationForward` prefers cached outputs).
    private func withCachedTeachers(_ objective: any Objective, setup: ObjectiveSetup) -> any Objective {
        guard let options = recipe.objective.options.teacherCacheOptions, var distilling = objective as? any Distilling,
            distilling.teachers.count == 0, let header = try? TeacherCacheReader.header(at: options.path),
            let entries = header.teacherOptions, !entries.isEmpty
        else { return objective }
        do {
            distilling.teachers = try TeacherOptions.ensemble(entries, objective: recipe.objective.name, setup: setup)
            return distilling as? any Objective ?? objective
        } catch {
            log("held-out teacher-student metrics skipped: the teachers recorded in \(options.path) did not load (\(error))")
            return objective
        }
    }

    private func evaluate<O: Objective>(_ objective: O, backbone: any Backbone, checkpoint name: String) throws -> [String: Double] {
        var loop = try RunLoop(trainer: self, model: TrainModel(backbone: backbone as! O.Model, objective: objective))
        return try loop.evaluate(checkpoint: name)
    }

    private static func withProbe<O: Objective>(_ objective: O, backbone: any Backbone, setup: inout ObjectiveSetup) -> any Objective {
        OnlineProbed(objective, model: backbone as! O.Model, classCount: setup.classCount, rng: &setup.rng)
    }

    private func start<O: Objective>(_ objective: O, backbone: any Backbone, resume: Bool) throws -> RunSummary {
        try checkGradientGroups(objective.gradientGroups.map(\.name))
        var loop = try RunLoop(trainer: self, model: TrainModel(backbone: backbone as! O.Model, objective: objective))
        return try loop.run(resume: resume)
    }

    /// DOT needs the objective's terms split into the gradient groups `task` and `kd`.
    func checkGradientGroups(_ names: [String]) throws {
        let optimizers = [recipe.optimizer.name] + recipe.optimizer.groups.map(\.optimizer.name)
        guard optimizers.contains(.dot), !(names.contains(DOT.taskGroup) && names.contains(DOT.distillationGroup)) else { return }
        throw TrainError.incompatibleData(
            "optimizer.name: dot needs an objective whose loss terms form the gradient groups "
                + "'\(DOT.taskGroup)' and '\(DOT.distillationGroup)' (kd, dkd); objective '\(recipe.objective.name)' has "
                + (names.isEmpty ? "none" : names.joined(separator: ", ")))
    }
}
