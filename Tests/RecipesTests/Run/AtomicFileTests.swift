import Foundation
import NN
import Recipes
import Support
import TestSupport
import XCTest

/// A file system whose disk fills up after `capacity` bytes, or whose fsync fails.
final class FaultyFileSystem: FileSystem, @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    let failSync: Bool
    let base = POSIXFileSystem()

    init(capacity: Int = .max, failSync: Bool = false) {
        remaining = capacity
        self.failSync = failSync
    }

    func createNew(_ path: String) throws -> Int32 { try base.createNew(path) }
    func openForAppending(_ path: String) throws -> Int32 { try base.openForAppending(path) }
    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws -> Int {
        lock.lock()
        defer { lock.unlock() }
        if remaining == 0 { throw FileSystemError(operation: "write", path: path, code: ENOSPC) }
        let n = try base.write(descriptor, UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, remaining)]), path: path)
        remaining -= n
        return n
    }
    func synchronize(_ descriptor: Int32, path: String) throws {
        if failSync { throw FileSystemError(operation: "fsync", path: path, code: EIO) }
        try base.synchronize(descriptor, path: path)
    }
    func close(_ descriptor: Int32, path: String) throws { try base.close(descriptor, path: path) }
    func rename(_ source: String, to destination: String) throws { try base.rename(source, to: destination) }
    func removeIfPresent(_ path: String) { base.removeIfPresent(path) }
    func synchronizeDirectory(_ path: String) throws { try base.synchronizeDirectory(path) }
}

final class AtomicFileTests: XCTestCase {
    func testWriteReplacesContentsAndLeavesNoTemporaryFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = dir.url.appendingPathComponent("summary.json")
        try AtomicFile.write("first", to: url)
        try AtomicFile.write("second, longer", to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "second, longer")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path), ["summary.json"])
    }

    func testFullDiskKeepsTheOldFileAndNamesThePath() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = dir.url.appendingPathComponent("checkpoint.json")
        try AtomicFile.write("old contents", to: url)
        let big = Data(repeating: 7, count: 100_000)
        XCTAssertThrowsError(try AtomicFile.write(big, to: url, fileSystem: FaultyFileSystem(capacity: 1000))) { error in
            let e = error as? AtomicWriteError
            XCTAssertEqual(e?.path, url.path)
            XCTAssertEqual(e?.underlying.code, ENOSPC)
            XCTAssertTrue("\(error)".contains(url.path), "\(error)")
            XCTAssertTrue("\(error)".contains("No space left"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "old contents")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path), ["checkpoint.json"])
    }

    func testFailedSyncKeepsTheOldFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = dir.url.appendingPathComponent("a.txt")
        try AtomicFile.write("old", to: url)
        XCTAssertThrowsError(try AtomicFile.write("new", to: url, fileSystem: FaultyFileSystem(failSync: true)))
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "old")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path), ["a.txt"])
    }

    func testMissingFolderIsAnErrorNamingThePath() {
        let url = URL(fileURLWithPath: "/nonexistent-retort-folder/x.json")
        XCTAssertThrowsError(try AtomicFile.write("x", to: url)) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent-retort-folder/x.json"), "\(error)")
        }
    }
}
