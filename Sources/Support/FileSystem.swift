import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An I/O failure naming the operation, the path and the OS error.
public struct FileSystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The failed operation (`open`, `write`, `fsync`, `rename`...).
    public var operation: String
    /// The path it was applied to.
    public var path: String
    /// The `errno` value.
    public var code: Int32

    /// Creates an error.
    public init(operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// `write failed for /runs/x/.metrics.tmp: No space left on device (errno 28)`.
    public var description: String {
        "\(operation) failed for \(path): \(String(cString: strerror(code))) (errno \(code))"
    }
}

/// The file operations atomic writes and logs use; tests substitute one that fails (e.g. a full disk).
public protocol FileSystem: Sendable {
    /// Creates a new file (failing if it exists) for writing and returns its descriptor.
    func createNew(_ path: String) throws -> Int32
    /// Opens (creating if needed) a file for appending and returns its descriptor.
    func openForAppending(_ path: String) throws -> Int32
    /// Writes some of `bytes` and returns how many were written (may be fewer than asked).
    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws -> Int
    /// Flushes a file's data to stable storage.
    func synchronize(_ descriptor: Int32, path: String) throws
    /// Closes a descriptor.
    func close(_ descriptor: Int32, path: String) throws
    /// Atomically replaces `destination` with `source`.
    func rename(_ source: String, to destination: String) throws
    /// Removes a file, ignoring errors (cleanup).
    func removeIfPresent(_ path: String)
    /// Flushes a directory entry change (after rename) to stable storage.
    func synchronizeDirectory(_ path: String) throws
}

extension FileSystem {
    /// Writes all of `data` (looping over partial writes).
    public func writeAll(_ descriptor: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = try write(descriptor, UnsafeRawBufferPointer(rebasing: raw[offset...]), path: path)
                if n <= 0 { throw FileSystemError(operation: "write", path: path, code: EIO) }
                offset += n
            }
        }
    }
}
