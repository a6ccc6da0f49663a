import TensorCore

/// Parameter enumeration, counting, watching on a tape and the flat path-keyed views.
extension Layer {
    /// Calls `body(path, &parameter)` for every parameter in visiting order, in place.
    public mutating func forEachParameter(_ body: (String, inout Parameter) -> Void) {
        withoutActuallyEscaping(body) { b in
            var visitor = ParameterVisitor(body: b)
            visitParameters(&visitor)
        }
    }

    /// Every parameter (trainable or not) with its path, in visiting order.
    public var namedParameters: [(path: String, parameter: Parameter)] {
        var copy = self
        var out: [(String, Parameter)] = []
        copy.forEachParameter { path, p in out.append((path, p)) }
        return out
    }

    /// Parameter values keyed by path (the checkpoint's state dict).
    public var stateDict: [String: Tensor] {
        Dictionary(namedParameters.map { ($0.path, $0.parameter.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// The number of scalars in trainable parameters (what papers and `torchvision` report).
    public var parameterCount: Int {
        namedParameters.reduce(0) { $0 + ($1.parameter.isTrainable ? $1.parameter.value.count : 0) }
    }

    /// The number of visited parameters (all roles); used by the visitor-completeness tests.
    public var visitedParameterCount: Int { namedParameters.count }

    /// Makes this model's trainable parameters traced on `tape` (the tensors keep their storage, so
    /// no copies) and returns them by path, for `tape.gradients(of:wrt:)`.
    ///
    /// Training flow (no copy-on-write copies of parameters once warmed up):
    /// ```
    /// let grads: [String: Tensor]
    /// do {
    ///     let tape = Tape()
    ///     let watched = model.watchParameters(on: tape)   // model is now the traced model
    ///     let loss = lossOf(model.forward(x, context: &ctx))
    ///     grads = tape.gradients(of: loss, wrt: watched)
    /// }                                                    // tape and traced tensors dropped
    /// optimizer.step(model: &model, gradients: grads)      // in place; clears the traces
    /// ```
    public mutating func watchParameters(on tape: Tape) -> [String: Tensor] {
        var watched: [String: Tensor] = [:]
        forEachParameter { path, p in
            guard p.isTrainable else { return }
            p.value = tape.watch(p.value)
            watched[path] = p.value
        }
        return watched
    }

    /// A traced copy of this model and its watched parameters by path (for models without running
    /// statistics, or when the original must stay untouched; forward on the copy updates the copy's
    /// BatchNorm statistics).
    public func watchingParameters(on tape: Tape) -> (model: Self, parameters: [String: Tensor]) {
        var copy = self
        let watched = copy.watchParameters(on: tape)
        return (copy, watched)
    }

    /// Removes tape traces from all parameters (keeps their storage).
    public mutating func detachParameters() {
        forEachParameter { _, p in p.value = p.value.detached }
    }
}

extension Tape {
    /// Gradients of the scalar `loss` with respect to path-keyed traced parameters (from
    /// `watchParameters(on:)`), keyed by the same paths.
    public func gradients(of loss: Tensor, wrt parameters: [String: Tensor]) -> [String: Tensor] {
        let keys = parameters.keys.sorted()
        let grads = gradients(of: loss, wrt: keys.map { parameters[$0]! })
        return Dictionary(uniqueKeysWithValues: zip(keys, grads))
    }
}
