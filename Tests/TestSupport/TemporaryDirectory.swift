import Foundation
import XCTest

/// A fresh directory under the system temp folder: removed by `remove()`, or at the end of the test
/// when made with `removedAfter:`.
public struct TemporaryDirectory {
    /// The directory.
    public let url: URL
    /// The directory as a path.
    public var path: String { url.path }

    /// Creates `<temp>/<prefix>-<UUID>`.
    public init(prefix: String = "retort-tests") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Creates a directory that `test` removes when it ends.
    public init(removedAfter test: XCTestCase, prefix: String = "retort-tests") throws {
        try self.init(prefix: prefix)
        let url = self.url
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    }

    /// Writes `text` to `name` (creating sub-folders) and returns its URL.
    @discardableResult
    public func write(_ text: String, to name: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: false, encoding: .utf8)
        return file
    }

    /// Removes the directory and everything in it.
    public func remove() { try? FileManager.default.removeItem(at: url) }
}
