import Kernels

/// Iterative solvers on the CPU (`Kernels/SelfLabelKernels.swift`, `Kernels/TSNEKernels.swift`).
extension CPUBackend {
    /// `SelfLabelKernels.powers`.
    public func selfLabelPowers(_ logits: Tensor, lambda: Double) -> [Double] {
        let (n, k) = (logits.shape[0], logits.shape[1])
        var a = [Double](repeating: 0, count: n * k)
        logits.withUnsafeBufferPointer { x in
            a.withUnsafeMutableBufferPointer { SelfLabelKernels.powers(x.baseAddress!, rows: n, columns: k, lambda: lambda, into: $0.baseAddress!) }
        }
        return a
    }

    /// `SelfLabelKernels.scale`.
    public func selfLabelScaling(_ powers: [Double], samples n: Int, clusters k: Int, maxIterations: Int) -> (
        r: [Double], c: [Double], iterations: Int, error: Double
    ) {
        var r = [Double](repeating: 1 / Double(k), count: k)
        var c = [Double](repeating: 1 / Double(n), count: n)
        let (iterations, error) = powers.withUnsafeBufferPointer { a in
            r.withUnsafeMutableBufferPointer { r in
                c.withUnsafeMutableBufferPointer { c in
                    SelfLabelKernels.scale(a.baseAddress!, rows: n, columns: k, r: r.baseAddress!, c: c.baseAddress!, maxIterations: maxIterations)
                }
            }
        }
        return (r, c, iterations, error)
    }

    /// `TSNEKernels.conditionals`.
    public func tsneConditionals(gram: Tensor, targetEntropy: Double) -> [Float] {
        let n = gram.shape[0]
        var p = [Float](repeating: 0, count: n * n)
        gram.withUnsafeBufferPointer { g in
            p.withUnsafeMutableBufferPointer {
                TSNEKernels.conditionals(gram: g.baseAddress!, count: n, targetEntropy: targetEntropy, into: $0.baseAddress!)
            }
        }
        return p
    }

    /// `TSNEKernels.forces`.
    public func tsneForces(p: [Float], x: [Float], y: [Float]) -> (attraction: [Float], repulsion: [Float], z: [Double]) {
        let n = x.count
        var attraction = [Float](repeating: 0, count: 2 * n)
        var repulsion = [Float](repeating: 0, count: 2 * n)
        var z = [Double](repeating: 0, count: n)
        p.withUnsafeBufferPointer { pb in
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeBufferPointer { yb in
                    attraction.withUnsafeMutableBufferPointer { ab in
                        repulsion.withUnsafeMutableBufferPointer { rb in
                            z.withUnsafeMutableBufferPointer { zb in
                                TSNEKernels.forces(
                                    p: pb.baseAddress!, x: xb.baseAddress!, y: yb.baseAddress!, count: n, attraction: ab.baseAddress!,
                                    repulsion: rb.baseAddress!, z: zb.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return (attraction, repulsion, z)
    }
}
