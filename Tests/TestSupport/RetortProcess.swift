import Foundation
import XCTest

/// The built `retort` binary run as a user runs it: the one beside this test bundle (e.g.
/// `.build/release/retort`); tests that need it are skipped where it was not built.
public enum RetortProcess {
    /// The exit status and standard error of one run.
    public struct Outcome {
        /// The exit status.
        public var status: Int32
        /// What it wrote to standard error.
        public var stderr: String
    }

    /// The `retort` executable next to the test bundle, searching up to three folders above it.
    public static func binary() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("retort")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw XCTSkip("no retort binary beside \(CommandLine.arguments[0])")
    }

    /// Runs `retort arguments…` to completion (standard output discarded).
    public static func run(_ arguments: [String]) throws -> Outcome {
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

    /// Runs `retort arguments…` to completion: the exit status and standard output and error together.
    public static func runCombined(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try launch(try binary(), arguments)
    }

    /// Runs `executable arguments…` (with `environment` added to this process's) to completion: the
    /// exit status and standard output and error together.
    public static func launch(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
