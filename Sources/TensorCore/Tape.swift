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
        let keep = Set(wanted)
        var grads = [Int: Tensor]()
        grads[lossTrace.id] = seedValue
        let wasRecording = isRecording
        isRecording = false
        defer { isRecording = wasRecording }
        for id in stride(from: lossTrace.id, through: 0, by: -1) {
            guard let pullback = nodes[id].pullback else { continue }
            guard let g = grads[id] else { continue }
            let inputGrads = pullback(g)
            if freeing { nodes[id].pullback = nil }  // frees the saved tensors
            if !keep.contains(id) { grads[id] = nil }
            for (input, ig) in zip(nodes[id].inputs, inputGrads) {
                guard let input, let ig else { continue }
                if let existing = grads[input] { grads[input] = existing + ig } else { grads[input] = ig }
            }
        }
        return zip(wanted, wrt).map { id, t in grads[id] ?? Tensor(zeros: t.shape) }
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
