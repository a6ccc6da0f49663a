/// The collective operations a data-parallel run needs, over a fixed group of `size` processes
/// (ranks `0 ..< size`). Every rank of the group must call the same collectives in the same order
/// with the same counts; a call returns when every rank has made it. Implementations: `SingleProcess`
/// (one rank, every collective is the identity), MPI (`Distributed.MPICommunicator`), and an
/// in-process thread group in the tests.
///
/// Float sums are reduced in rank order by every implementation here, so every rank receives the
/// same bits (Open MPI's reductions on one communicator are deterministic for a fixed size).
public protocol Communicator: AnyObject, Sendable {
    /// This process's rank, `0 ..< size`.
    var rank: Int { get }
    /// The number of ranks.
    var size: Int { get }
    /// Replaces `values` on every rank by the element-wise sum over all ranks (equal counts).
    func allReduceSum(_ values: inout [Float])
    /// Replaces `values` on every rank by the element-wise sum over all ranks (equal counts).
    func allReduceSum(_ values: inout [Double])
    /// The concatenation, in rank order, of every rank's `values` (equal counts on every rank).
    func allGather(_ values: [Float]) -> [Float]
    /// Returns when every rank has called it.
    func barrier()
}

extension Communicator {
    /// Whether this rank writes the run's files (rank 0).
    public var isWriter: Bool { rank == 0 }
    /// Whether the group has more than one rank.
    public var isDistributed: Bool { size > 1 }

    /// Every rank's `values`, in rank order, where the counts may differ between ranks (padded to the
    /// longest for one `allGather`; the counts travel first as Doubles).
    public func allGatherVariable(_ values: [Float]) -> [[Float]] {
        guard isDistributed else { return [values] }
        var counts = [Double](repeating: 0, count: size)
        counts[rank] = Double(values.count)
        allReduceSum(&counts)
        let longest = Int(counts.max() ?? 0)
        let all = allGather(values + [Float](repeating: 0, count: longest - values.count))
        return (0..<size).map { r in Array(all[(r * longest)..<(r * longest + Int(counts[r]))]) }
    }

    /// The element-wise mean over all ranks of `values`.
    public func allReduceMean(_ values: [Float]) -> [Float] {
        var v = values
        allReduceSum(&v)
        let s = Float(size)
        return v.map { $0 / s }
    }
}

/// The group of one process: rank 0 of 1; every collective returns its input.
public final class SingleProcess: Communicator {
    /// Rank 0 of a group of one.
    public init() {}
    /// 0.
    public var rank: Int { 0 }
    /// 1.
    public var size: Int { 1 }
    /// Leaves `values` as they are.
    public func allReduceSum(_ values: inout [Float]) {}
    /// Leaves `values` as they are.
    public func allReduceSum(_ values: inout [Double]) {}
    /// `values`.
    public func allGather(_ values: [Float]) -> [Float] { values }
    /// Returns at once.
    public func barrier() {}
}
