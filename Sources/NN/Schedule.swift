import Foundation

/// A learning-rate (or other hyperparameter) schedule: the value at step k (0-based).
public protocol Schedule: Sendable {
    /// The value at step `step`.
    func value(at step: Int) -> Float
}

/// A constant value.
public struct ConstantSchedule: Schedule {
    /// The value.
    public var value: Float
    /// A constant schedule.
    public init(_ value: Float) { self.value = value }
    /// `value` at every step.
    public func value(at step: Int) -> Float { value }
}

/// Linear warmup from `base·warmupStartFactor` to `base` over `warmupSteps`, then cosine decay to
/// `final` at `totalSteps` (Loshchilov & Hutter 2017; the SimCLR/BYOL/DINO schedule):
/// v(k) = final + (base - final)(1 + cos(π (k - w) / (K - w))) / 2.
public struct WarmupCosineSchedule: Schedule {
    /// The peak value.
    public var base: Float
    /// The value at `totalSteps` and after.
    public var final: Float
    /// The number of warmup steps.
    public var warmupSteps: Int
    /// The total number of steps K.
    public var totalSteps: Int
    /// The warmup starts at `base` times this (0 starts at zero; step 0 gets base/warmup as in most SSL code).
    public var warmupStartFactor: Float

    /// A warmup + cosine schedule.
    public init(base: Float, final: Float = 0, warmupSteps: Int, totalSteps: Int, warmupStartFactor: Float = 0) {
        precondition(
            totalSteps > 0 && warmupSteps >= 0 && warmupSteps <= totalSteps,
            "WarmupCosineSchedule: need 0 <= warmup \(warmupSteps) <= total \(totalSteps)")
        self.base = base
        self.final = final
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.warmupStartFactor = warmupStartFactor
    }

    /// The value at `step`.
    public func value(at step: Int) -> Float {
        if step < warmupSteps {
            let start = base * warmupStartFactor
            return start + (base - start) * Float(step + 1) / Float(warmupSteps)
        }
        if step >= totalSteps { return final }
        let span = max(totalSteps - warmupSteps, 1)
        let progress = Double(step - warmupSteps) / Double(span)
        return final + (base - final) * Float((1 + cos(Double.pi * progress)) / 2)
    }
}

/// Step decay: `base · gamma^(number of milestones <= step)` (PyTorch's MultiStepLR).
public struct StepSchedule: Schedule {
    /// The initial value.
    public var base: Float
    /// Steps at which the value is multiplied by `gamma`.
    public var milestones: [Int]
    /// The factor.
    public var gamma: Float

    /// A step schedule.
    public init(base: Float, milestones: [Int], gamma: Float = 0.1) {
        self.base = base
        self.milestones = milestones.sorted()
        self.gamma = gamma
    }

    /// The value at `step`.
    public func value(at step: Int) -> Float {
        base * Float(pow(Double(gamma), Double(milestones.filter { $0 <= step }.count)))
    }
}
