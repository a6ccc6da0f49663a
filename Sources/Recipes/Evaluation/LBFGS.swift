/// Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4/7.5) with Armijo backtracking, for smooth convex
/// problems such as the linear probe. Deterministic: no randomness, fixed iteration budget.
struct LBFGS {
    /// Pairs of (s, y) kept.
    var history = 10
    /// Maximum iterations.
    var maxIterations = 200
    /// Stop when the largest gradient component is below this.
    var gradientTolerance = 1e-5
    /// Stop when the relative decrease of the objective is below this.
    var relativeTolerance = 1e-9

    /// Minimises `f` from `x0`; `f` returns the value and the gradient. Returns the minimiser and iterations used.
    func minimize(from x0: [Double], _ f: ([Double]) -> (Double, [Double])) -> (x: [Double], value: Double, iterations: Int) {
        var x = x0
        var (fx, g) = f(x)
        var s: [[Double]] = []
        var y: [[Double]] = []
        var rho: [Double] = []
        var iteration = 0
        while iteration < maxIterations {
            if g.lazy.map(abs).max() ?? 0 < gradientTolerance { break }
            iteration += 1
            // Two-loop recursion: d = -H g.
            var q = g
            var alpha = [Double](repeating: 0, count: s.count)
            for i in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[i] = rho[i] * dot(s[i], q)
                axpy(-alpha[i], y[i], &q)
            }
            let gamma = s.isEmpty ? 1 / Swift.max(dot(g, g).squareRoot(), 1e-12) : dot(s.last!, y.last!) / dot(y.last!, y.last!)
            for i in q.indices { q[i] *= gamma }
            for i in 0..<s.count {
                let beta = rho[i] * dot(y[i], q)
                axpy(alpha[i] - beta, s[i], &q)
            }
            var d = q.map { -$0 }
            var slope = dot(g, d)
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                s.removeAll()
                y.removeAll()
                rho.removeAll()
                let scale = 1 / Swift.max(dot(g, g).squareRoot(), 1e-12)
                d = g.map { -$0 * scale }
                slope = dot(g, d)
            }
            var t = 1.0
            var xNew = x
            var fNew = fx
            var gNew = g
            var accepted = false
            for _ in 0..<40 {
                for i in x.indices { xNew[i] = x[i] + t * d[i] }
                (fNew, gNew) = f(xNew)
                if fNew.isFinite && fNew <= fx + 1e-4 * t * slope {
                    accepted = true
                    break
                }
                t *= 0.5
            }
            if !accepted { break }
            var sk = xNew
            var yk = gNew
            for i in x.indices {
                sk[i] -= x[i]
                yk[i] -= g[i]
            }
            let sy = dot(sk, yk)
            if sy > 1e-12 {
                s.append(sk)
                y.append(yk)
                rho.append(1 / sy)
                if s.count > history {
                    s.removeFirst()
                    y.removeFirst()
                    rho.removeFirst()
                }
            }
            let decrease = fx - fNew
            x = xNew
            g = gNew
            let previous = fx
            fx = fNew
            if decrease <= relativeTolerance * Swift.max(abs(previous), abs(fNew), 1) { break }
        }
        return (x, fx, iteration)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    private func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        for i in y.indices { y[i] += alpha * x[i] }
    }
}
