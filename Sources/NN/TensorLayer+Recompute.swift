import TensorCore

extension TensorLayer {
    /// `forward` with activation checkpointing (`Tensor.recomputed`): when the input or a parameter
    /// is traced, only the input and the parameters are kept for the backward pass, which runs the
    /// layer again (on a copy, so its running-statistics updates are discarded; from the same
    /// `context`, so the same random draws) to differentiate it. The same values and gradients as
    /// `forward`; less memory, one more forward pass of the layer in time. Used by ResNet's
    /// `recomputesBlocks` (`model.recompute_activations`).
    public mutating func recomputingForward(_ input: Tensor, context: inout Context) -> Tensor {
        var paths: [String] = []
        var parameters: [Tensor] = []
        forEachParameter { path, p in
            if p.value.isTraced {
                paths.append(path)
                parameters.append(p.value)
            }
        }
        let start = context
        let copy = self
        return Tensor.recomputed(
            [input] + parameters, forward: { forward(input, context: &context) },
            recompute: { inputs in
                var layer = copy
                let replacement = Dictionary(uniqueKeysWithValues: zip(paths, inputs.dropFirst()))
                layer.forEachParameter { path, p in
                    if let value = replacement[path] { p.value = value }
                }
                var ctx = start
                return layer.forward(inputs[0], context: &ctx)
            })
    }
}
