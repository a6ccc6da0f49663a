import Backbones
import NN
import Objectives

/// What the optimizer trains: the backbone (parameter paths as in torchvision/timm, no prefix) and
/// the objective's own modules under `objective.` (heads, probe, frozen EMA target).
public struct TrainModel<O: Objective>: Layer {
    /// The backbone.
    public var backbone: O.Model
    /// The objective.
    public var objective: O

    /// Pairs a backbone with an objective.
    public init(backbone: O.Model, objective: O) {
        self.backbone = backbone
        self.objective = objective
    }

    /// Visits the backbone at the root and the objective under `objective`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("", &backbone)
        visitor.visit("objective", &objective)
    }
}
