import Foundation

/// Agreement between two labellings of the same samples (pseudo-labels against classes), as
/// scikit-learn computes them (`sklearn/metrics/cluster/_supervised.py`).
extension Metrics {
    /// The contingency table of two labellings: the count of each pair `(u_i, v_i)` and the
    /// marginal counts of each label.
    private struct Contingency {
        var cells: [Int64: Double] = [:]
        var rows: [Int32: Double] = [:]
        var columns: [Int32: Double] = [:]

        init(_ u: [Int32], _ v: [Int32]) {
            precondition(u.count == v.count, "contingency: \(u.count) vs \(v.count) labels")
            for (a, b) in zip(u, v) {
                cells[Self.key(a, b), default: 0] += 1
                rows[a, default: 0] += 1
                columns[b, default: 0] += 1
            }
        }

        static func key(_ a: Int32, _ b: Int32) -> Int64 { Int64(a) << 32 | Int64(UInt32(bitPattern: b)) }
        static func labels(_ key: Int64) -> (Int32, Int32) {
            (Int32(truncatingIfNeeded: key >> 32), Int32(bitPattern: UInt32(truncatingIfNeeded: key)))
        }
    }

    /// Normalised mutual information with the arithmetic mean of the entropies (scikit-learn's
    /// `normalized_mutual_info_score` default): `MI(U, V) / ((H(U) + H(V)) / 2)`; 1 when both
    /// labellings have a single cluster (or there are no samples), 0 when the mutual information is 0.
    public static func normalizedMutualInformation(_ u: [Int32], _ v: [Int32]) -> Double {
        let table = Contingency(u, v)
        if table.rows.count == table.columns.count && table.rows.count <= 1 { return 1 }
        let n = Double(u.count)
        // MI = Σ_ij (n_ij / N) (log n_ij + log N − log a_i − log b_j).
        var mi = 0.0
        for key in table.cells.keys.sorted() {  // a fixed order: the same bits in every process
            let (a, b) = Contingency.labels(key)
            let nij = table.cells[key]!
            mi += nij / n * (Foundation.log(nij) + Foundation.log(n) - Foundation.log(table.rows[a]!) - Foundation.log(table.columns[b]!))
        }
        mi = max(mi, 0)
        if mi == 0 { return 0 }
        func entropy(_ counts: [Int32: Double]) -> Double {
            counts.keys.sorted().reduce(0) { h, k in
                let p = counts[k]! / n
                return h - p * Foundation.log(p)
            }
        }
        return mi / ((entropy(table.rows) + entropy(table.columns)) / 2)
    }

    /// The adjusted Rand index (scikit-learn's `adjusted_rand_score`, from the pair confusion
    /// matrix): `2 (tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn))`; 1 when the
    /// labellings agree on every pair.
    public static func adjustedRandIndex(_ u: [Int32], _ v: [Int32]) -> Double {
        let table = Contingency(u, v)
        let n = Double(u.count)
        let squares = table.cells.values.reduce(0) { $0 + $1 * $1 }
        let tp = squares - n
        let fp = table.columns.values.reduce(0) { $0 + $1 * $1 } - squares
        let fn = table.rows.values.reduce(0) { $0 + $1 * $1 } - squares
        let tn = n * n - fp - fn - squares
        if fn == 0 && fp == 0 { return 1 }
        return 2 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
    }
}
