import Foundation
import Recipes
import TestSupport
import XCTest

final class RunDirectoryTests: XCTestCase {
    let yaml = "data: {train: t}\nmodel: {backbone: resnet18}\nobjective: {name: supervised}\n"

    func testCreateWriteResolvedAndReopen() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let run = try RunDirectory.create(at: dir.url.appendingPathComponent("runs/a"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.checkpoints.path))
        XCTAssertEqual(run.checkpoint(named: "last").lastPathComponent, "last.safetensors")
        let recipe = try RecipeLoader().load(yaml: yaml, overrides: ["optimizer.lr=0.3"])
        try run.writeResolvedRecipe(recipe)
        let reopened = try RunDirectory.open(existing: run.url)
        XCTAssertEqual(try reopened.loadResolvedRecipe(), recipe)
        XCTAssertEqual(try reopened.loadResolvedRecipe(overrides: ["train.epochs=3"]).train.epochs, 3)
        XCTAssertThrowsError(try RunDirectory.create(at: run.url)) { error in
            XCTAssertEqual((error as? RunDirectoryError)?.kind, .alreadyHasRun)
        }
        XCTAssertNoThrow(try RunDirectory.create(at: run.url, allowExisting: true))
    }

    func testUnwritableOrInvalidFoldersNameThePath() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.write("not a folder", to: "file")
        XCTAssertThrowsError(try RunDirectory.create(at: file)) { error in
            XCTAssertEqual((error as? RunDirectoryError)?.kind, .notADirectory)
            XCTAssertTrue("\(error)".contains(file.path), "\(error)")
        }
        let below = file.appendingPathComponent("run")
        XCTAssertThrowsError(try RunDirectory.create(at: below)) { error in
            XCTAssertEqual((error as? RunDirectoryError)?.kind, .notWritable)
            XCTAssertTrue("\(error)".contains(below.path), "\(error)")
        }
        XCTAssertThrowsError(try RunDirectory.open(existing: dir.url)) { error in
            XCTAssertEqual((error as? RunDirectoryError)?.kind, .notARun)
        }
    }
}
