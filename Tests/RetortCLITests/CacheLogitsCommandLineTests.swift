import Foundation
import TestSupport
import XCTest

/// `retort cache-logits` refuses bad arguments with one line naming the flag, before it runs a teacher or writes a file.
final class CacheLogitsCommandLineTests: XCTestCase {
    private let recipe = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Recipes/kd/kd-resnet18-fmnist.yaml").path

    func testAnUnknownValueTypeNamesTheFlagAndTheChoices() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("retort-cache-\(UUID()).rstore")
        let outcome = try RetortProcess.run(["cache-logits", recipe, "--out", out.path, "--dtype", "bf16"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stderr.contains("--dtype must be f16 or f32, got bf16"), outcome.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path + ".partial"))
    }

    func testANonNumericTopKIsAnArgumentError() throws {
        let outcome = try RetortProcess.run(["cache-logits", recipe, "--out", "/nonexistent/c.rstore", "--top-k", "all"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("top-k"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("Stack dump"), outcome.stderr)
    }
}
