import TensorCore

/// A value-type layer that enumerates its parameters explicitly. Paths are dotted, matching
/// torchvision/timm state-dict names (`layer3.0.conv1.weight`).
///
/// Every stored `Parameter` and every sub-layer must be visited (a test compares visit counts
/// with a reflection count), in a fixed order.
public protocol Layer: Sendable {
    /// Calls the visitor on each parameter (`visitor.visit("weight", &weight)`) and each sub-layer
    /// (`visitor.visit("conv1", &conv1)`).
    mutating func visitParameters(_ visitor: inout ParameterVisitor)
}

/// A layer mapping one tensor to one tensor. `forward` is `mutating` because BatchNorm updates its
/// running statistics in place during a training forward pass (no copies, see `Context`).
public protocol TensorLayer: Layer {
    /// Applies the layer to `input` under `context` (mode, RNG, tape).
    mutating func forward(_ input: Tensor, context: inout Context) -> Tensor
}

/// Walks parameters with their dotted paths; layers call `visit` for each parameter and sub-layer.
public struct ParameterVisitor {
    /// The dotted prefix of the layer being visited (`"layer1.0."`), empty at the root.
    public private(set) var prefix: String
    @usableFromInline let body: (String, inout Parameter) -> Void

    /// A visitor calling `body(path, &parameter)` for each parameter.
    public init(prefix: String = "", body: @escaping (String, inout Parameter) -> Void) {
        self.prefix = prefix
        self.body = body
    }

    /// Visits one parameter named `name` under the current prefix.
    public mutating func visit(_ name: String, _ parameter: inout Parameter) {
        body(prefix + name, &parameter)
    }

    /// Visits an optional parameter (a bias that may be absent).
    public mutating func visit(_ name: String, _ parameter: inout Parameter?) {
        guard var p = parameter else { return }
        parameter = nil  // keep the storage uniquely referenced while visiting
        body(prefix + name, &p)
        parameter = p
    }

    /// Visits the parameters of a sub-layer named `name` (an empty name adds no path component).
    public mutating func visit<L: Layer>(_ name: String, _ layer: inout L) {
        let saved = prefix
        if !name.isEmpty { prefix += name + "." }
        layer.visitParameters(&self)
        prefix = saved
    }

    /// Visits an optional sub-layer.
    public mutating func visit<L: Layer>(_ name: String, _ layer: inout L?) {
        guard var l = layer else { return }
        layer = nil
        visit(name, &l)
        layer = l
    }

    /// Visits a list of sub-layers as `name.0`, `name.1`, ... (`0`, `1`, ... for an empty name).
    public mutating func visit<L: Layer>(_ name: String, _ layers: inout [L]) {
        for i in layers.indices {
            visit(name.isEmpty ? "\(i)" : "\(name).\(i)", &layers[i])
        }
    }
}
