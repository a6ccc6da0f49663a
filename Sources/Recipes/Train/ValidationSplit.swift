import Foundation
import NN
import Support

/// The part of the training store held out for in-training evaluation and model selection
/// (`data.val_fraction`): round(f·count) stored positions drawn by a seeded permutation. The
/// training loader runs over `trainPositions` only, so it never yields a validation sample; the
/// test split is scored once, at the end.
public struct ValidationSplit: Sendable, Equatable {
    /// Stored positions used for training, ascending.
    public var trainPositions: [Int]
    /// Stored positions held out, ascending.
    public var validationPositions: [Int]

    /// The split of `count` samples with fraction `fraction` (0: no validation part) under `seed`.
    public init(count: Int, fraction: Double, seed: UInt64) {
        let held = fraction > 0 ? min(max(Int((fraction * Double(count)).rounded()), 1), count - 1) : 0
        var order = Array(0..<count)
        var rng = Philox(seed: seed, keys: [0x76616c])  // "val"
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
        validationPositions = order.prefix(held).sorted()
        let heldSet = Set(validationPositions)
        trainPositions = (0..<count).filter { !heldSet.contains($0) }
    }

    /// Whether there is a validation part.
    public var isEmpty: Bool { validationPositions.isEmpty }

    /// Writes the held-out samples' ids, one per line, atomically.
    func write(ids: (Int) -> UInt64, to url: URL, fileSystem: any FileSystem) throws {
        let text = validationPositions.map { String(ids($0)) + "\n" }.joined()
        try AtomicFile.write(text, to: url, fileSystem: fileSystem)
    }
}
