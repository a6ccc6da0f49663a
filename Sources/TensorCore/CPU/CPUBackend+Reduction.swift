import Foundation
import Kernels
import Support

/// Reductions and softmax rows on the CPU: rows in parallel, each row's loop scalar (Float, in order).
extension CPUBackend {
    /// `op` over each row, rows in parallel.
    public func reduce(_ x: Tensor, _ op: Reduction, outer: Int, n: Int, inner: Int, shape: Shape) -> Tensor {
        if op == .sum && inner > 1 { return columnSums(x, outer: outer, n: n, inner: inner, shape: shape) }
        return x.withUnsafeBufferPointer { src in
            let s = SendablePointer(src.baseAddress!)
            return Tensor(shape: shape) { dst in
                let d = SendablePointer(dst.baseAddress!)
                parallelFor(outer * inner, grain: Swift.max(1, 4096 / Swift.max(n, 1))) { r in
                    for j in r {
                        let p = UnsafePointer(s.base + (j / inner) * n * inner + j % inner)
                        switch op {
                        case .sum: d[j] = Self.sumRow(p, n, inner)
                        case .max: d[j] = Self.maxRow(p, n, inner)
                        case .logSumExp:
                            let m = Self.maxRow(p, n, inner)
                            if m == -.infinity {
                                d[j] = m
                            } else {
                                var acc: Float = 0
                                for k in 0..<n { acc += Foundation.exp(p[k * inner] - m) }
                                d[j] = m + Foundation.log(acc)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Rows a task of `columnSums` adds: a sum over more rows is the in-order sum of its blocks' in-order sums, so
    /// its bits depend on the shape only, not on the thread count.
    static let columnSumBlock = 128

    /// Sums over the middle axis of `[outer, n, inner]` (e.g. a bias gradient over `[B·T, D]` rows): each block of
    /// `columnSumBlock` rows is added row by row into a partial `[inner]` (contiguous, vectorised, blocks in
    /// parallel), then the partials in block order.
    func columnSums(_ x: Tensor, outer: Int, n: Int, inner: Int, shape: Shape) -> Tensor {
        let blocks = Swift.max(1, (n + Self.columnSumBlock - 1) / Self.columnSumBlock)
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: outer * blocks * inner)
        defer { partials.deallocate() }
        let p = SendablePointer(partials)
        x.withUnsafeBufferPointer { src in
            let s = SendablePointer(src.baseAddress!)
            parallelFor(outer * blocks) { tasks in
                for task in tasks {
                    let (o, k0) = (task / blocks, task % blocks * Self.columnSumBlock)
                    let out = p.base + task * inner
                    out.initialize(repeating: 0, count: inner)
                    for k in k0..<Swift.min(n, k0 + Self.columnSumBlock) {
                        Elementwise.apply(.add, out, s.base + (o * n + k) * inner, out, count: inner)
                    }
                }
            }
        }
        return Tensor(shape: shape) { dst in
            let d = SendablePointer(dst.baseAddress!)
            parallelFor(outer) { range in
                for o in range {
                    let out = d.base + o * inner
                    out.update(from: p.base + o * blocks * inner, count: inner)
                    for b in 1..<blocks { Elementwise.apply(.add, out, p.base + (o * blocks + b) * inner, out, count: inner) }
                }
            }
        }
    }

    /// Σ in Float64 over the buffer.
    public func sum(_ x: Tensor) -> Float {
        x.withUnsafeBufferPointer { b in
            var acc: Double = 0
            for v in b { acc += Double(v) }
            return Float(acc)
        }
    }

    /// Softmax or log-softmax of each row, rows in parallel.
    public func softmax(_ x: Tensor, log: Bool, outer: Int, n: Int, inner: Int) -> Tensor {
        x.withUnsafeBufferPointer { src in
            let s = SendablePointer(src.baseAddress!)
            return Tensor(shape: x.shape) { dst in
                let d = SendablePointer(dst.baseAddress!)
                parallelFor(outer * inner, grain: Swift.max(1, 4096 / Swift.max(n, 1))) { r in
                    for j in r {
                        let off = (j / inner) * n * inner + j % inner
                        if log {
                            Self.logSoftmaxRow(UnsafePointer(s.base + off), d.base + off, n, inner)
                        } else {
                            Self.softmaxRow(UnsafePointer(s.base + off), d.base + off, n, inner)
                        }
                    }
                }
            }
        }
    }

    static func sumRow(_ p: UnsafePointer<Float>, _ n: Int, _ stride: Int) -> Float {
        var acc: Float = 0
        if stride == 1 { for k in 0..<n { acc += p[k] } } else { for k in 0..<n { acc += p[k * stride] } }
        return acc
    }

    static func maxRow(_ p: UnsafePointer<Float>, _ n: Int, _ stride: Int) -> Float {
        var m = -Float.infinity
        for k in 0..<n { m = Swift.max(m, p[k * stride]) }
        return m
    }

    static func softmaxRow(_ p: UnsafePointer<Float>, _ q: UnsafeMutablePointer<Float>, _ n: Int, _ s: Int) {
        let m = maxRow(p, n, s)
        var acc: Float = 0
        for k in 0..<n {
            let e = Foundation.exp(p[k * s] - m)
            q[k * s] = e
            acc += e
        }
        let inv = 1 / acc
        for k in 0..<n { q[k * s] *= inv }
    }

    static func logSoftmaxRow(_ p: UnsafePointer<Float>, _ q: UnsafeMutablePointer<Float>, _ n: Int, _ s: Int) {
        let m = maxRow(p, n, s)
        var acc: Float = 0
        for k in 0..<n { acc += Foundation.exp(p[k * s] - m) }
        let lse = m + Foundation.log(acc)
        for k in 0..<n { q[k * s] = p[k * s] - lse }
    }
}
