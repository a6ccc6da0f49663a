// The CPU backend's access to optional tensors' buffers.

/// Calls `body` with the tensor's base address, or with nil when there is no tensor.
@inlinable
func withOptionalPointer<R>(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let t else { return body(nil) }
    return t.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// Calls `body` with the tensor's mutable base address, or with nil when there is no tensor.
@inlinable
func withOptionalMutablePointer<R>(_ t: inout Tensor?, _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
    guard var value = t else { return body(nil) }
    t = nil  // keep the storage uniquely referenced
    let r = value.withUnsafeMutableBufferPointer { body($0.baseAddress) }
    t = value
    return r
}
