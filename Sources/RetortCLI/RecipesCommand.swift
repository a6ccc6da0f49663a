import ArgumentParser
import Foundation
import Recipes

/// `retort recipes list [DIR]`: the recipes under `Recipes/` with their objective, model and description.
struct RecipesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recipes", abstract: "List and check recipes.",
        subcommands: [List.self])

    /// `retort recipes list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the recipes in a folder (default: Recipes).")
        @Argument(help: "The folder to scan.")
        var folder: String = "Recipes"

        func run() throws {
            try reportingErrors {
                let root = URL(fileURLWithPath: folder)
                for url in try RecipeLoader.recipeFiles(in: root) {
                    let name = url.path.replacingOccurrences(of: root.path + "/", with: "")
                    do {
                        let r = try RecipeLoader().load(contentsOf: url)
                        let model = "\(r.model.backbone) x\(r.model.width)"
                        print(
                            name.padding(toLength: 36, withPad: " ", startingAt: 0)
                                + r.objective.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                                + model.padding(toLength: 18, withPad: " ", startingAt: 0) + (r.description ?? ""))
                    } catch {
                        print(name.padding(toLength: 36, withPad: " ", startingAt: 0) + "INVALID: \(error)")
                    }
                }
            }
        }
    }
}
