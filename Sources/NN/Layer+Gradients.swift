import TensorCore

/// Value and gradients in one call, so that no caller juggles a tape by hand.
extension Layer {
    /// Runs `body` on this layer with its trainable parameters traced and returns what it computed
    /// with the gradient of each of its `roots` (scalars) keyed by parameter path: `gradients[i]` is
    /// ∂roots[i]/∂θ. Parameters the roots do not depend on get zeros. Traces are removed afterwards
    /// (also when `body` throws), so the optimizer updates the parameters in place without copies.
    public mutating func valueAndGradients<Value>(
        _ body: (inout Self) throws -> (value: Value, roots: [Tensor])
    ) rethrows -> (value: Value, gradients: [[String: Tensor]]) {
        let tape = Tape()
        let watched = watchParameters(on: tape)
        defer { detachParameters() }
        let (value, roots) = try body(&self)
        let keys = watched.keys.sorted()
        let grads = tape.gradients(ofEach: roots, wrt: keys.map { watched[$0]! })
        return (value, grads.map { Dictionary(uniqueKeysWithValues: zip(keys, $0)) })
    }

    /// `valueAndGradients` with one root: the value `body` computes and the gradient of `root`.
    public mutating func valueAndGradient<Value>(
        _ body: (inout Self) throws -> (value: Value, root: Tensor)
    ) rethrows -> (value: Value, gradient: [String: Tensor]) {
        let r = try valueAndGradients { model -> (value: Value, roots: [Tensor]) in
            let (v, root) = try body(&model)
            return (v, [root])
        }
        return (r.value, r.gradients[0])
    }
}
