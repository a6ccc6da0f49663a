import Foundation
import TestSupport
import XCTest

/// `retort loss clip`, `retort store build fashion-mnist-captions --captions` and `retort zeroshot
/// --prompts` as a user runs them: results on success, one line naming the problem otherwise.
final class VisionLanguageCommandLineTests: XCTestCase {
    private func run(_ arguments: [String]) throws -> RetortProcess.Outcome { try RetortProcess.run(arguments) }
    private var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("retort-vl-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func testLossClipWritesTheLogScaleGradient() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputs = root.appendingPathComponent("Tests/Fixtures/losses/clip_n4_d8_s2.659.inputs.safetensors")
        let out = dir.appendingPathComponent("out.safetensors")
        let outcome = try run(["loss", "clip", "--inputs", inputs.path, "--out", out.path])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let text = String(decoding: try Data(contentsOf: out), as: UTF8.self)
        XCTAssertTrue(text.contains("grad.log_scale") && text.contains("grad.image") && text.contains("grad.text"))
    }

    func testCaptionFileWithTooFewLinesNamesTheLine() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
        try Data(be32(0x803) + be32(3) + be32(2) + be32(2) + [UInt8](repeating: 200, count: 12))
            .write(to: dir.appendingPathComponent("t10k-images-idx3-ubyte"))
        try Data(be32(0x801) + be32(3) + [0, 1, 2]).write(to: dir.appendingPathComponent("t10k-labels-idx1-ubyte"))
        try "one\ntwo\n".write(to: dir.appendingPathComponent("caps.txt"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("c.rstore")
        let outcome = try run([
            "store", "build", "fashion-mnist-captions", "--split", "test", "--dir", dir.path,
            "--captions", dir.appendingPathComponent("caps.txt").path, "--out", out.path,
        ])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("caps.txt") && outcome.stderr.contains("line 3"), outcome.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        // With the generator's captions it builds.
        XCTAssertEqual(try run(["store", "build", "fashion-mnist-captions", "--split", "test", "--dir", dir.path, "--out", out.path]).status, 0)
    }

    func testZeroShotPromptsWithoutAPlaceholderNameTheLine() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let prompts = dir.appendingPathComponent("prompts.txt")
        try "# templates\na photo of a {}.\na photo of a thing.\n".write(to: prompts, atomically: true, encoding: .utf8)
        let outcome = try run(["zeroshot", "no-such.safetensors", "--test", "no-such.rstore", "--prompts", prompts.path])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stderr.contains("line 3") && outcome.stderr.contains("{}"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("Stack dump"), outcome.stderr)
    }
}
