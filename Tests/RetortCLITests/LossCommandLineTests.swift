import Foundation
import TestSupport
import XCTest

/// The `retort` executable's exit codes and messages for bad command lines, run as a user would
/// (the binary built beside this test bundle, e.g. `.build/release/retort`).
final class LossCommandLineTests: XCTestCase {
    private func run(_ arguments: [String]) throws -> RetortProcess.Outcome { try RetortProcess.run(arguments) }

    func testUnknownOptionExitsTwoNamingIt() throws {
        let outcome = try run(["loss", "byol", "--bogus", "1"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.stderr.contains("--bogus"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("Stack dump"), outcome.stderr)
    }

    func testOptionWithoutValueExitsTwo() throws {
        let outcome = try run(["loss", "byol", "--inputs"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.stderr.contains("--inputs"), outcome.stderr)
    }

    func testMissingInputsFileExitsTwoNamingIt() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("retort-no-such-\(UUID()).safetensors")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("retort-out-\(UUID()).safetensors")
        let outcome = try run(["loss", "byol", "--inputs", missing.path, "--out", out.path])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.stderr.contains(missing.lastPathComponent), outcome.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    func testUnknownLossExitsTwo() throws {
        let outcome = try run(["loss", "no-such-loss", "--inputs", "a", "--out", "b"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.stderr.contains("no-such-loss"), outcome.stderr)
    }

    func testHelpExitsZero() throws {
        XCTAssertEqual(try run(["loss", "--help"]).status, 0)
    }
}
