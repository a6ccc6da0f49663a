import Support

/// A reverse-mode autodiff tape (a Wengert list). Ops on traced tensors append a node holding
/// their input ids and a pullback; `gradients(of:wrt:)` walks the nodes backwards, freeing each
/// pullback (and the tensors it saved) once it has run.
///
/// ```
/// let tape = Tape()
/// let x = tape.watch(input)
/// let loss = (x * x).sum()
/// let dx = tape.gradients(of: loss, wrt: [x])[0]
/// ```
public final class Tape {
    /// Maps the gradient of an op's output to the gradients of its inputs (nil: no gradient).
    public typealias Pullback = (Tensor) -> [Tensor?]

    @usableFromInline struct Node {
        var inputs: [Int?]
        var pullback: Pullback?
    }

    @usableFromInline var nodes: [Node] = []
    /// Sweeps run ahead of the final one (`Tensor.backpropagateAhead`): root node id → the
    /// gradients of the leaves it reaches (leaf node id → gradient) for a seed of 1.
    var aheadGradients: [Int: [Int: Tensor]] = [:]
    /// Whether ops on traced tensors are recorded now.
    public private(set) var isRecording = true

    /// Creates an empty, recording tape.
    public init() {}

    /// The number of nodes recorded so far.
    public var nodeCount: Int { nodes.count }

    /// Starts tracing `tensor` as a leaf (a parameter or an input whose gradient is wanted).
    /// The result shares the tensor's storage.
    public func watch(_ tensor: Tensor) -> Tensor {
        var t = tensor
        t.trace = Trace(tape: self, id: nodes.count)
        nodes.append(Node(inputs: [], pullback: nil))
        return t
    }

    /// Runs `body` without recording anything (a no-grad scope).
    public func withoutRecording<R>(_ body: () throws -> R) rethrows -> R {
        let was = isRecording
        isRecording = false
        defer { isRecording = was }
        return try body()
    }

    @usableFromInline func record(inputs: [Int?], pullback: @escaping Pullback) -> Int {
        nodes.append(Node(inputs: inputs, pullback: pullback))
        return nodes.count - 1
    }

    /// Gradients of the scalar `loss` (or of `sum(loss * seed)` when `seed` is given) with respect
    /// to each tensor of `wrt`, which must be traced on this tape. A tensor the loss does not depend
    /// on gets a zero gradient. Pullbacks run once: a tape is differentiated once.
    public func gradients(of loss: Tensor, wrt: [Tensor], seed: Tensor? = nil) -> [Tensor] {
        let seedValue: Tensor
        if let seed {
            require(seed.shape == loss.shape, "gradients(of:): seed \(seed.shape) vs loss \(loss.shape)")
            seedValue = seed.detached
        } else {
            require(loss.count == 1, "gradients(of:): loss must be a scalar, got shape \(loss.shape)")
            seedValue = Tensor(repeating: 1, shape: loss.shape)
        }
        return sweep(from: loss, seed: seedValue, wrt: wrt, freeing: true)
    }

    /// Gradients of each scalar of `losses` with respect to each tensor of `wrt` (`result[i][j]` is
    /// ∂losses[i]/∂wrt[j]): one backward sweep per loss over the same tape, the saved tensors freed
    /// by the last sweep. Per-term gradients (DOT's task and distillation gradients) use this.
    public func gradients(ofEach losses: [Tensor], wrt: [Tensor]) -> [[Tensor]] {
        losses.enumerated().map { i, loss in
            require(loss.count == 1, "gradients(ofEach:): loss \(i) must be a scalar, got shape \(loss.shape)")
            return sweep(from: loss, seed: Tensor(repeating: 1, shape: loss.shape), wrt: wrt, freeing: i == losses.count - 1)
        }
    }

    /// One reverse sweep from `loss` seeded with `seedValue`; `freeing` drops each pullback after it runs.
    private func sweep(from loss: Tensor, seed seedValue: Tensor, wrt: [Tensor], freeing: Bool) -> [Tensor] {
        guard let lossTrace = loss.trace, lossTrace.tape === self else {
            fatalError("gradients(of:): the loss is not traced on this tape")
        }
        let wanted = wrt.map { t -> Int in
            guard let tr = t.trace, tr.tape === self else {
                fatalError("gradients(of:wrt:): a tensor of shape \(t.shape) is not traced on this tape")
            }
            return tr.id
        }
        var grads = [lossTrace.id: seedValue]
        propagate(&grads, from: lossTrace.id, keep: Set(wanted), freeing: freeing, ahead: false)
        return zip(wanted, wrt).map { id, t in grads[id] ?? Tensor(zeros: t.shape) }
    }
}

extension Tape {
    /// The sweep behind `Tensor.backpropagateAhead`: runs the backward pass of the scalar `loss`
    /// (traced on this tape) with a seed of 1 now, frees what its ops saved, and keeps the
    /// gradients of the leaves it reaches for the final sweep.
    func sweepAhead(from loss: Tensor) {
        guard let trace = loss.trace, trace.tape === self, isRecording else { return }
        require(loss.count == 1, "backpropagateAhead: the loss must be a scalar, got shape \(loss.shape)")
        var grads = [trace.id: Tensor(repeating: 1, shape: loss.shape)]
        propagate(&grads, from: trace.id, keep: [], freeing: true, ahead: true)
        aheadGradients[trace.id] = grads
    }

    /// The reverse walk of every sweep: pulls `grads` back from node `root` to node 0 through each
    /// op's pullback, summing what reaches each input; a root swept ahead adds its leaves'
    /// gradients times the gradient that reaches it. On return `grads` holds the gradients of the
    /// leaves reached and of the ids in `keep`. `freeing` drops each pullback once it has run (and
    /// with it the tensors it saved); `ahead` (the sweep of `backpropagateAhead`) refuses to cross
    /// a graph that an earlier ahead sweep freed.
    private func propagate(_ grads: inout [Int: Tensor], from root: Int, keep: Set<Int>, freeing: Bool, ahead: Bool) {
        let wasRecording = isRecording
        isRecording = false
        defer { isRecording = wasRecording }
        func accumulate(_ g: Tensor, at id: Int) {
            if let existing = grads[id] { grads[id] = existing + g } else { grads[id] = g }
        }
        for id in stride(from: root, through: 0, by: -1) {
            guard let g = grads[id], !nodes[id].inputs.isEmpty else { continue }  // leaves keep their gradient
            let sweptTwice = "backpropagateAhead: the graph of this loss was already swept by an earlier backpropagateAhead"
            if let leaves = aheadGradients[id] {
                require(!ahead, sweptTwice)
                let scale = g.scalar
                for (leaf, lg) in leaves { accumulate(scale == 1 ? lg : lg * scale, at: leaf) }
                grads[id] = nil
                continue
            }
            guard let pullback = nodes[id].pullback else {
                fatalError(
                    ahead
                        ? sweptTwice
                        : "gradients(of:): an op whose saved tensors were freed by an earlier sweep (backpropagateAhead) gets a gradient: a later loss reuses that graph"
                )
            }
            let inputGrads = pullback(g)
            if freeing { nodes[id].pullback = nil }
            if !keep.contains(id) { grads[id] = nil }
            for (input, ig) in zip(nodes[id].inputs, inputGrads) {
                guard let input, let ig else { continue }
                accumulate(ig, at: input)
            }
        }
    }
}

extension Tensor {
    /// Runs the backward pass of this scalar loss now instead of in the final sweep, when it is
    /// traced on a recording tape (otherwise does nothing), and frees the tensors its ops saved.
    /// The final sweep (`Tape.gradients`) then adds this loss's parameter gradients times the
    /// gradient that reaches it from the total, so the gradients are those of one sweep up to
    /// float rounding (summation order), also for per-group sweeps (DOT).
    ///
    /// Contract: no later loss may use an op of this loss's graph other than the leaves (a later
    /// gradient into a freed op is a precondition failure). Objectives whose loss is a sum of
    /// per-view terms with constant targets (BYOL, PixPro: the momentum branch's keys) call it
    /// on the first view's term before the second view's forward pass, which roughly halves the
    /// peak memory of the step (the first view's activations are gone before the second's exist).
    public func backpropagateAhead() {
        trace?.tape?.sweepAhead(from: self)
    }
}

extension Tensor {
    /// Records `output` as the result of an op on `inputs` with the given pullback, when any input
    /// is traced on a recording tape; otherwise returns `output` untraced.
    @inlinable
    public static func traced(_ output: Tensor, inputs: [Tensor], pullback: @escaping Tape.Pullback) -> Tensor {
        var tape: Tape?
        for x in inputs {
            if let t = x.trace?.tape, t.isRecording {
                require(tape == nil || tape === t, "op mixes tensors from two different tapes")
                tape = t
            }
        }
        guard let tape else { return output }
        let ids = inputs.map { x -> Int? in x.trace?.tape === tape ? x.trace?.id : nil }
        var out = output
        out.trace = Trace(tape: tape, id: tape.record(inputs: ids, pullback: pullback))
        return out
    }
}

extension Tensor {
    /// Activation checkpointing (Chen et al. 2016, "Training deep nets with sublinear memory cost";
    /// PyTorch's `torch.utils.checkpoint`): runs `forward` now without recording anything, and records
    /// its result as one op on `inputs` whose pullback runs `recompute(inputs)` again on a fresh tape
    /// from the saved inputs and differentiates it. Only `inputs` are kept between the passes; the
    /// ops inside are paid twice in time. `recompute` must compute what `forward` did from the same
    /// values (same mode, same random draws); its side effects are the caller's to discard.
    /// Without a recording tape among `inputs`, returns `forward()`.
    public static func recomputed(
        _ inputs: [Tensor], forward: () -> Tensor,
        recompute: @escaping ([Tensor]) -> Tensor
    ) -> Tensor {
        guard let tape = inputs.lazy.compactMap({ $0.trace?.tape }).first(where: { $0.isRecording }) else { return forward() }
        let output = tape.withoutRecording(forward)
        let saved = inputs.map(\.detached)
        let wanted = inputs.map(\.isTraced)
        return traced(output, inputs: inputs) { g in
            let inner = Tape()
            let watched = saved.map { inner.watch($0) }
            let y = recompute(watched)
            guard y.isTraced else { return wanted.map { _ in nil } }
            let grads = inner.gradients(of: y, wrt: watched, seed: g)
            return zip(grads, wanted).map { $1 ? $0 : nil }
        }
    }
}
