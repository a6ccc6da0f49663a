import Foundation
import XCTest

/// The built `retort` binary run as a user runs it: the one beside this test bundle (e.g.
/// `.build/release/retort`); tests that need it are skipped where it was not built.
enum RetortProcess {
    /// The exit status and standard error of one run.
    struct Outcome {
        var status: Int32
        var stderr: String
    }

    /// The `retort` executable next to the test bundle, searching up to three folders above it.
    static func binary() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("retort")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw XCTSkip("no retort binary beside \(CommandLine.arguments[0])")
    }

    /// Runs `retort arguments…` to completion (standard output discarded).
    static func run(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = Pipe()
        try process.run()
        let data = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stderr: String(decoding: data, as: UTF8.self))
    }
}
