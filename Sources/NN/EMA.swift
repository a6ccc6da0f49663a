import Foundation
import TensorCore

/// An exponential moving average of parameters (BYOL's target network, DINO's teacher, model EMA):
/// θ_target ← τ θ_target + (1 - τ) θ_online, with BYOL's cosine schedule
/// τ(k) = 1 - (1 - τ₀)(cos(π k / K) + 1) / 2, rising from τ₀ to 1 over K steps.
public struct EMA: Sendable {
    /// τ₀, the momentum at step 0.
    public var baseMomentum: Float
    /// K, the step at which τ reaches 1 (nil: constant τ₀).
    public var totalSteps: Int?
    /// Whether running statistics (BatchNorm) are copied from the online model (otherwise untouched).
    public var copiesRunningStatistics: Bool

    /// An EMA with base momentum τ₀ and, if `totalSteps` is given, BYOL's cosine increase.
    public init(baseMomentum: Float, totalSteps: Int? = nil, copiesRunningStatistics: Bool = true) {
        self.baseMomentum = baseMomentum
        self.totalSteps = totalSteps
        self.copiesRunningStatistics = copiesRunningStatistics
    }

    /// τ at step `k`.
    public func momentum(at k: Int) -> Float {
        guard let total = totalSteps, total > 0 else { return baseMomentum }
        let progress = Double(min(k, total)) / Double(total)
        return 1 - (1 - baseMomentum) * Float((cos(Double.pi * progress) + 1) / 2)
    }

    /// Moves `target`'s parameters towards `online`'s with τ(step), in place (untraced): those that
    /// are trainable in `online` (the target itself may be frozen), and running statistics when
    /// `copiesRunningStatistics`. The two models must have the same parameter paths and shapes.
    public func update<M: Layer>(target: inout M, online: M, step: Int) {
        let tau = momentum(at: step)
        let source = Dictionary(online.namedParameters.map { ($0.path, $0.parameter) }, uniquingKeysWith: { a, _ in a })
        let copyStats = copiesRunningStatistics
        target.forEachParameter { path, p in
            guard let o = source[path] else { preconditionFailure("EMA: online model has no parameter '\(path)'") }
            precondition(o.shape == p.shape, "EMA: '\(path)' is \(o.shape) online and \(p.shape) in the target")
            p.value = p.value.detached
            let averaged = o.isTrainable || (o.role != .runningStatistic && o.role != .counter)
            if !averaged && !copyStats { return }
            let t = averaged ? tau : 0  // running statistics are copied (into the target's own storage)
            ParameterUpdate.movingAverage(&p.value, towards: o.value, momentum: t)
        }
    }
}
