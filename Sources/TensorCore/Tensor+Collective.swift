import Support

/// Differentiable collectives over the ranks of a data-parallel run.
extension Tensor {
    /// Every rank's `[n, ...]` tensor stacked along axis 0 in rank order: `[R·n, ...]` (equal `n` on
    /// every rank). The backward sums the incoming gradient over all ranks and keeps this rank's rows
    /// (solo-learn's `GatherLayer`, open_clip `gather_features(gather_with_grad=True)`), so a loss of
    /// local anchors against gathered candidates, averaged over ranks, has the gradient of the global
    /// batch. With one rank it returns `self`.
    public func allGathered(over group: any Communicator) -> Tensor {
        guard group.isDistributed else { return self }
        require(rank >= 1, "allGathered: needs at least one axis, got a scalar")
        let n = shape[0]
        let ranks = group.size
        let me = group.rank
        let out = Tensor(shape: Shape([ranks * n] + shape.dims.dropFirst()), scalars: group.allGather(detached.scalars))
        return Tensor.traced(out, inputs: [self]) { g in
            var sum = g.scalars
            group.allReduceSum(&sum)
            let rowSize = g.count / Swift.max(ranks * n, 1)
            return [Tensor(shape: Shape([n] + g.shape.dims.dropFirst()), scalars: Array(sum[(me * n * rowSize)..<((me + 1) * n * rowSize)]))]
        }
    }
}
