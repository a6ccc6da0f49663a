import ArgumentParser
import Foundation
import NN
import Recipes
import Support

/// `retort compare RUN_DIR... [--out FILE.md]`: final metrics per configuration as mean ± std over
/// seeds, with each run's cost; writes the Markdown table and a `.json` beside it.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Tabulate runs' final metrics per configuration (mean ± std over seeds) with wall time, img/s and peak memory.")

    @Argument(help: "Run folders (each with summary.json and resolved.yaml).")
    var runs: [String]
    @Option(help: "The Markdown file to write (a .json with the same name goes beside it).")
    var out: String = "compare.md"

    func run() throws {
        try reportingErrors {
            let comparison = try RunComparison(runs: runs.map { URL(fileURLWithPath: $0) })
            let md = URL(fileURLWithPath: out)
            print(comparison.markdown())
            try AtomicFile.write(comparison.markdown(), to: md)
            try AtomicFile.write(try comparison.jsonData(), to: md.deletingPathExtension().appendingPathExtension("json"))
            print("wrote \(md.path) and \(md.deletingPathExtension().appendingPathExtension("json").path)")
        }
    }
}
