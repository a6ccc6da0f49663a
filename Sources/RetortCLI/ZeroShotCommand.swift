import ArgumentParser
import Foundation
import NN
import Recipes
import Support

/// `retort zeroshot CHECKPOINT --test STORE [--prompts FILE]`: zero-shot classification and
/// retrieval recall of a CLIP/DeCLIP checkpoint.
struct ZeroShotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zeroshot",
        abstract: "Zero-shot top-1/top-5 from class prompts, and image<->text retrieval recall@1/5, of a CLIP/DeCLIP checkpoint.",
        discussion: """
            CHECKPOINT is a run's backbone file (checkpoints/last.safetensors); the text tower is read from \
            last.objective.safetensors and the vocabulary from last.state.safetensors beside it. Each class name is \
            put through every template (a line with {} for the name); the class embedding is the normalised mean of \
            the normalised prompt embeddings, and images are classified by cosine. Retrieval runs when the store has captions: \
            recall@1/5 of the partner within pools of --pool pairs, and the class-level recall@1 (the top candidate is of the \
            query's class), the telling number when captions are templated per class.
            """
    )

    @Argument(help: "The checkpoint (.safetensors) of a clip or declip run.")
    var checkpoint: String
    @Option(help: "The test store (labelled; with captions for retrieval).")
    var test: String
    @Option(help: "A file of prompt templates, one per line with {} for the class name (default: the built-in ensemble).")
    var prompts: String?
    @Option(help: "Write the report as JSON here (default: beside the checkpoint, <name>.zeroshot.json).")
    var json: String?
    @Option(help: "Retrieval within consecutive pools of this many pairs (Flickr30K's test set: 1000); 0 ranks among all pairs.")
    var pool: Int = 1000
    @Option(help: "Worker threads.")
    var threads: Int = 2

    func run() throws {
        try reportingErrors {
            setThreads(threads)
            let url = URL(fileURLWithPath: checkpoint)
            let templates = try prompts.map(Self.readTemplates)
            let report = try ZeroShot.evaluate(checkpoint: url, test: test, templates: templates, pool: pool)
            print(report.table(), terminator: "")
            let out = json.map { URL(fileURLWithPath: $0) } ?? url.deletingPathExtension().appendingPathExtension("zeroshot.json")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(report), to: out)
            print("report: \(out.path)")
        }
    }

    /// The non-empty, non-comment lines of `path`; a line without `{}` is an error naming it.
    static func readTemplates(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(path): cannot read the prompts file") }
        var templates: [String] = []
        for (i, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard line.contains("{}") else { throw ValidationError("\(path): line \(i + 1): a template needs {} for the class name") }
            templates.append(line)
        }
        guard !templates.isEmpty else { throw ValidationError("\(path): no templates") }
        return templates
    }
}
