import Foundation
import TestSupport
import XCTest

/// `retort sweep`, `compare` and `embed --map` refuse bad requests with one clear line, run as a user would.
final class ErgonomicsCommandLineTests: XCTestCase {
    private func run(_ arguments: [String]) throws -> RetortProcess.Outcome { try RetortProcess.run(arguments) }

    func testCompareOfAFolderWithoutARunNamesIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("retort-not-a-run-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try run(["compare", dir.path, "--out", dir.appendingPathComponent("c.md").path])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stderr.contains(dir.lastPathComponent) && outcome.stderr.contains("summary.json"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("Stack dump"), outcome.stderr)
    }

    func testSweepWithAMalformedGridSaysHow() throws {
        let recipe = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Recipes/quickstart.yaml")
        let outcome = try run(["sweep", recipe.path, "--grid", "optimizer.lr", "--out", "/nonexistent/sweep"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stderr.contains("KEY.PATH=V1,V2"), outcome.stderr)
    }

    func testEmbedWithAnUnknownMapListsTheChoices() throws {
        let outcome = try run(["embed", "no-such.safetensors", "--store", "no-such.rstore", "--map", "umap", "--out", "m.svg"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stderr.contains("tsne, pca"), outcome.stderr)
    }
}
