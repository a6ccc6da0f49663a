/// A (height, width) pair for kernel sizes, strides, padding and dilation; an integer literal
/// means the same value for both.
public struct Size2: Hashable, Sendable, Codable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The vertical extent.
    public var h: Int
    /// The horizontal extent.
    public var w: Int
    /// A pair of values.
    public init(_ h: Int, _ w: Int) {
        self.h = h
        self.w = w
    }
    /// The same value for height and width.
    public init(integerLiteral v: Int) { self.init(v, v) }
    /// Text like `3x3`.
    public var description: String { "\(h)x\(w)" }
}
