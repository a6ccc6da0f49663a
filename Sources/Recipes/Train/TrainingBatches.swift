import DataStore

/// The training batches of a run: the training loader's, each joined (with `data.extra`) by the
/// extra store's loader's next batch. Both loaders are pure functions of (seed, epoch, sample, view),
/// so the batch at any global step is known without replaying the run: the extra loader's own epoch
/// and step follow from the global step (`s / stepsPerEpoch`, `s % stepsPerEpoch` of that loader),
/// and a resumed run draws the very batches an uninterrupted one would.
struct TrainingBatches {
    /// The training store's loader (`data.batch_size` less the extra share per batch).
    let main: Loader
    /// The extra store's loader (the extra share per batch), when `data.extra` is set.
    let extra: Loader?

    /// The batches of `epoch` from its step `step`, which is the run's global step `globalStep`.
    func epoch(_ epoch: Int, startingAt step: Int, globalStep: Int) throws -> Iterator {
        Iterator(main: try main.epoch(epoch, startingAt: step), extra: extra, globalStep: globalStep)
    }

    /// Yields one joined batch per step until the training loader's epoch ends.
    final class Iterator {
        private let main: EpochIterator
        private let extraLoader: Loader?
        private var extra: EpochIterator?
        private var globalStep: Int

        init(main: EpochIterator, extra: Loader?, globalStep: Int) {
            self.main = main
            self.extraLoader = extra
            self.globalStep = globalStep
        }

        /// The next batch, or nil at the end of the training store's epoch.
        func next() throws -> Batch? {
            guard let batch = try main.next() else { return nil }
            defer { globalStep += 1 }
            guard let loader = extraLoader else { return batch }
            return batch.joined(with: try nextExtra(loader))
        }

        /// The extra loader's batch for the current global step, opening its epochs as they come.
        private func nextExtra(_ loader: Loader) throws -> Batch {
            let steps = loader.stepsPerEpoch
            let epoch = globalStep / steps
            let step = globalStep % steps
            if extra == nil || extra?.epoch != epoch || extra?.step != step {
                extra = try loader.epoch(epoch, startingAt: step)
            }
            guard let batch = try extra?.next() else {
                throw StoreError.invalidArgument("\(loader.store.path): the extra loader ended epoch \(epoch) early at step \(step)")
            }
            return batch
        }
    }
}
