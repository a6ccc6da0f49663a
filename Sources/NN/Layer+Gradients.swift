import TensorCore

/// Value and gradients in one call, so that no caller juggles a tape by hand.
extension Layer {
    /// Runs `body` on this layer with its trainable parameters traced and returns what it computed
    /// with the gradient of each of its `roots` (scalars) keyed by parameter path: `gradients[i]` is
    /// ∂roots[i]/∂θ. Parameters the roots do not depend on get zeros (all of them for an untraced root). Traces are removed afterwards
    /// (also when `body` throws), so the optimizer updates the parameters in place without copies.
    public mutating func valueAndGradients<Value>(
        _ body: (inout Self) throws -> (value: Value, roots: [Tensor])
    ) rethrows -> (value: Value, gradients: [[String: Tensor]]) {
        let tape = Tape()
        let watched = watchParameters(on: tape)
        defer { detachParameters() }
        let (value, roots) = try body(&self)
        let keys = watched.keys.sorted()
        // A root that depends on nothing traced (a gradient group whose terms are all absent) has zero gradients.
        let traced = roots.indices.filter { roots[$0].isTraced }
        let swept = tape.gradients(ofEach: traced.map { roots[$0] }, wrt: keys.map { watched[$0]! })
        var grads: [[Tensor]] = roots.indices.map { i in
            traced.contains(i) ? [] : keys.map { Tensor(zeros: watched[$0]!.shape) }
        }
        for (i, g) in zip(traced, swept) { grads[i] = g }
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
