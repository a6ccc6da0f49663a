import ArgumentParser
import DataStore
import Foundation

/// `retort store subset IN --out OUT (--fraction F | --per-class N | --ids FILE) [--complement] [--drop-labels] [--seed S]`:
/// a new store with a subset of IN's samples, bytes copied verbatim (see `StoreSubset`).
struct StoreSubsetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subset",
        abstract: "Write a new store with a subset of a store's samples (bytes copied verbatim, ids and order kept).")
    @Argument(help: "The input store.") var input: String
    @Option(help: "Output store file.") var out: String
    @Option(help: "Keep a seeded random fraction (0 < F <= 1) of the samples: round(F * count).") var fraction: Double?
    @Option(help: "Keep the first N samples of each label after a seeded shuffle.") var perClass: Int?
    @Option(help: "Keep the samples whose ids are listed in FILE (one per line; blank lines and # comments ok).") var ids: String?
    @Flag(help: "Write the subset without labels (hasLabels false, labels -1).") var dropLabels = false
    @Flag(help: "Keep the samples the selection leaves out (the same selection and seed without it give the other part).")
    var complement = false
    @Option(help: "Selection seed.") var seed: UInt64 = 0

    func validate() throws {
        let n = [fraction != nil, perClass != nil, ids != nil].filter { $0 }.count
        guard n == 1 else { throw ValidationError("give exactly one of --fraction, --per-class, --ids") }
    }

    func run() throws {
        let selection: SubsetSelection
        if let fraction {
            selection = .fraction(fraction)
        } else if let perClass {
            selection = .perClass(perClass)
        } else {
            selection = .idsFile(ids!)
        }
        let dir = (out as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let s = try StoreSubset.subset(
            input: input, output: out, selection: selection, seed: seed, dropLabels: dropLabels,
            complement: complement)
        print(
            String(format: "wrote %@: %d samples, %d chunks, %d bytes, fingerprint %016llx", s.path, s.samples, s.chunks, s.fileBytes, s.fingerprint))
    }
}
