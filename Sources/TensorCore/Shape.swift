import Support

/// The dimensions of a row-major tensor, outermost first (e.g. `[N, C, H, W]`).
public struct Shape: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// The extent of each dimension.
    public var dims: [Int]

    /// Creates a shape from its dimensions; every dimension must be non-negative.
    public init(_ dims: [Int]) {
        require(dims.allSatisfy { $0 >= 0 }, "negative dimension in \(dims)")
        self.dims = dims
    }
    /// Creates a shape from an array literal: `[2, 3]`.
    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// The number of dimensions.
    @inlinable public var rank: Int { dims.count }
    /// The number of elements (1 for a scalar).
    @inlinable public var count: Int { dims.reduce(1, *) }
    /// The extent of dimension `i`; negative `i` counts from the end.
    @inlinable public subscript(i: Int) -> Int { dims[i < 0 ? dims.count + i : i] }
    /// Row-major strides in elements.
    public var strides: [Int] {
        var s = [Int](repeating: 1, count: dims.count)
        var acc = 1
        for i in stride(from: dims.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= dims[i]
        }
        return s
    }
    /// Text like `[2, 3, 4]`.
    public var description: String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }

    /// Normalises a possibly negative axis against this rank.
    public func axis(_ a: Int, op: String = #function) -> Int {
        let r = a < 0 ? a + rank : a
        require(r >= 0 && r < Swift.max(rank, 1), "\(op): axis \(a) out of range for shape \(self)")
        return r
    }

    /// Splits the shape around `axis` into (outer, axis extent, inner) element counts.
    public func split(at axis: Int) -> (outer: Int, n: Int, inner: Int) {
        let a = self.axis(axis)
        return (dims[..<a].reduce(1, *), dims[a], dims[(a + 1)...].reduce(1, *))
    }

    /// The NumPy-style broadcast of two shapes, or nil when they are incompatible.
    public static func broadcast(_ a: Shape, _ b: Shape) -> Shape? {
        let r = Swift.max(a.rank, b.rank)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.rank ? 1 : a.dims[i - (r - a.rank)]
            let db = i < r - b.rank ? 1 : b.dims[i - (r - b.rank)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
        }
        return Shape(out)
    }
}
