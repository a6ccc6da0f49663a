import Foundation
import Recipes
import TestSupport
import XCTest

/// Every recipe shipped in `Recipes/` loads, validates and survives a resolved-YAML round trip.
final class RecipeFilesTests: XCTestCase {
    let recipesFolder = Fixtures.repositoryRoot.appendingPathComponent("Recipes")

    func testEveryShippedRecipeLoads() throws {
        let files = try RecipeLoader.recipeFiles(in: recipesFolder)
        XCTAssertGreaterThanOrEqual(files.count, 4)
        for file in files {
            do {
                let recipe = try RecipeLoader().load(contentsOf: file)
                let again = try RecipeLoader().load(yaml: try recipe.yamlString(), file: "resolved.yaml")
                XCTAssertEqual(again, recipe, file.path)
            } catch {
                XCTFail("\(file.lastPathComponent): \(error)")
            }
        }
    }

    func testShippedRecipesHaveTheExpectedShape() throws {
        let byol = try RecipeLoader().load(contentsOf: recipesFolder.appendingPathComponent("ssl/byol-resnet18-fmnist.yaml"))
        XCTAssertEqual(byol.objective.name, "byol")
        XCTAssertEqual(byol.data.viewCount, 2)
        XCTAssertEqual(byol.optimizer.name, .lars)
        XCTAssertEqual(byol.optimizer.nesterov, false, "a changed optimizer name must not inherit the base's options")
        XCTAssertEqual(byol.model.inChannels, 1)
        XCTAssertEqual(byol.model.stem, .cifar)
        let kd = try RecipeLoader().load(contentsOf: recipesFolder.appendingPathComponent("kd/kd-resnet18-fmnist.yaml"))
        guard let options = kd.objective.options(as: KDOptions.self) else { return XCTFail("expected kd") }
        XCTAssertLessThan(kd.model.width, options.teachers[0].model.width)
        let quick = try RecipeLoader().load(
            contentsOf: recipesFolder.appendingPathComponent("quickstart.yaml"),
            overrides: ["train.max_steps=5"])
        XCTAssertEqual(quick.train.maxSteps, 5)
        XCTAssertEqual(quick.objective.name, "supervised")
    }
}
