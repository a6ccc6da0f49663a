import ArgumentParser
import Foundation
import Recipes

/// `retort objectives list`: every objective of the registry with what it needs, its options and their defaults.
struct ObjectivesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "objectives", abstract: "List the training objectives.",
        subcommands: [List.self])

    /// `retort objectives list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every objective with its options and defaults.")

        func run() throws {
            try reportingErrors {
                for entry in ObjectiveRegistry.all {
                    print("\(entry.name): \(entry.summary)")
                    print("  paper:  \(entry.paper)")
                    print("  needs:  \(entry.needs.names.isEmpty ? "-" : entry.needs.names.joined(separator: ", "))")
                    print("  recipe: \(entry.recipe)")
                    print("  options (objective.\(entry.name)):")
                    let yaml = try entry.defaultOptionsYAML().trimmingCharacters(in: .whitespacesAndNewlines)
                    for line in yaml.split(separator: "\n") { print("    " + line) }
                    print("")
                }
            }
        }
    }
}
