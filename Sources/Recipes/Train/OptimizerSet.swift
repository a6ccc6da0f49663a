import NN
import TensorCore

/// The optimizers of a run: the main one (the `optimizer` section) and one per `optimizer.groups`
/// entry, each over its own parameter set, with its own learning rate, schedule, weight decay and
/// freeze. A parameter belongs to the first group whose pattern matches its path, else to the main
/// optimizer.
struct OptimizerSet {
    /// One optimizer and the parameters it owns.
    struct Slot {
        /// `main` or `group<i>`.
        var name: String
        /// Glob patterns (empty for the main slot: everything no group claims).
        var patterns: [String]
        var optimizer: any Optimizer
        /// Learning rate at a step.
        var learningRate: @Sendable (Int) -> Float
        /// No update before this step.
        var freezeSteps: Int
    }

    private(set) var slots: [Slot]
    /// Slot index by parameter path, filled at the first step (the parameter set is fixed).
    private var owner: [String: Int] = [:]

    /// The optimizers for `recipe` over `totalSteps` steps of `stepsPerEpoch`.
    init(recipe: Recipe, totalSteps: Int, stepsPerEpoch: Int) {
        let main = recipe.optimizer
        let schedule = recipe.schedule.makeSchedule(base: Float(main.lr), totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch)
        slots = [Slot(name: "main", patterns: [], optimizer: main.makeOptimizer(), learningRate: { schedule.value(at: $0) }, freezeSteps: 0)]
        for (i, g) in main.groups.enumerated() {
            let lr: @Sendable (Int) -> Float
            if let own = g.schedule {
                let s = own.makeSchedule(base: Float(g.optimizer.lr), totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch)
                lr = { s.value(at: $0) }
            } else {
                let scale = Float(g.optimizer.lr / main.lr)
                lr = { schedule.value(at: $0) * scale }
            }
            slots.append(
                Slot(
                    name: "group\(i)", patterns: g.params, optimizer: g.optimizer.makeOptimizer(), learningRate: lr,
                    freezeSteps: g.freezeSteps))
        }
    }

    /// Whether any slot's optimizer uses the gradient groups apart (DOT).
    var separatesGradientGroups: Bool { slots.contains { $0.optimizer.separatesGradientGroups } }

    /// The learning rate of each slot at `step` (main first).
    func learningRates(at step: Int) -> [Float] { slots.map { $0.learningRate(step) } }

    /// One update of every slot not frozen at `step`, each from its own parameters' gradients; with
    /// several gradient groups each optimizer receives them apart.
    mutating func step<M: Layer>(model: inout M, gradientGroups: [(name: String, gradients: [String: Tensor])], step: Int) {
        if owner.isEmpty { assignOwners(model.namedParameters.map(\.path)) }
        for i in slots.indices where step >= slots[i].freezeSteps {
            let groups = gradientGroups.map { group in
                (name: group.name, gradients: slots.count == 1 ? group.gradients : group.gradients.filter { owner[$0.key] == i })
            }
            slots[i].optimizer.learningRate = slots[i].learningRate(step)
            if groups.count == 1 {
                slots[i].optimizer.step(model: &model, gradients: groups[0].gradients)
            } else {
                slots[i].optimizer.step(model: &model, gradientGroups: groups)
            }
        }
    }

    private mutating func assignOwners(_ paths: [String]) {
        for path in paths {
            owner[path] = slots.indices.dropFirst().first { i in slots[i].patterns.contains { Glob.matches($0, path) } } ?? 0
        }
    }

    /// Every slot's state in one file: the main slot's keys as they are, group `i`'s prefixed `group<i>/`.
    var state: SafeTensors {
        var out = SafeTensors()
        for slot in slots {
            let s = slot.optimizer.state
            let prefix = slot.name == "main" ? "" : slot.name + "/"
            for (k, t) in s.tensors { out.tensors[prefix + k] = t }
            for (k, t) in s.integers { out.integers[prefix + k] = t }
            if slot.name == "main" { out.metadata = s.metadata }
        }
        return out
    }

    /// Restores `state` written by `state`; throws naming `file` and the key on a mismatch.
    mutating func loadState(_ state: SafeTensors, file: String) throws {
        for i in slots.indices {
            let prefix = slots[i].name == "main" ? "" : slots[i].name + "/"
            func mine(_ key: String) -> Bool {
                prefix.isEmpty ? !key.contains("/") : key.hasPrefix(prefix)
            }
            var part = SafeTensors(metadata: state.metadata)
            for (k, t) in state.tensors where mine(k) { part.tensors[String(k.dropFirst(prefix.count))] = t }
            for (k, t) in state.integers where mine(k) { part.integers[String(k.dropFirst(prefix.count))] = t }
            try slots[i].optimizer.loadState(part, file: file)
        }
        let known = Set(slots.map { $0.name + "/" })
        for key in Array(state.tensors.keys) + Array(state.integers.keys) where key.contains("/") {
            let slot = String(key[...key.firstIndex(of: "/")!])
            if !known.contains(slot) {
                throw CheckpointError.unexpectedKey(file: file, key: key, shape: state.tensors[key]?.shape ?? state.integers[key]!.shape)
            }
        }
    }
}

/// Glob patterns over parameter paths: `*` matches any run of characters (dots included), `?` one character.
enum Glob {
    /// Whether `path` matches `pattern` as a whole.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        let p = Array(pattern.utf8)
        let s = Array(path.utf8)
        var pi = 0
        var si = 0
        var star = -1
        var mark = 0
        while si < s.count {
            if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == s[si]) {
                pi += 1
                si += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi
                mark = si
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                si = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
