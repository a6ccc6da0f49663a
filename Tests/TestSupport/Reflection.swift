import TensorCore

/// The number of values of type `T` reachable from `value` through stored properties, optionals,
/// arrays and enum payloads (reflection; tensors are not entered), to compare with what a layer's
/// parameter visitor reports: `reflectedCount(of: Parameter.self, in: layer)`.
public func reflectedCount<T>(of _: T.Type, in value: Any) -> Int {
    if value is T { return 1 }
    if value is Tensor { return 0 }
    return Mirror(reflecting: value).children.reduce(0) { $0 + reflectedCount(of: T.self, in: $1.value) }
}
