#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

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

/// The real POSIX file system.
public struct POSIXFileSystem: FileSystem {
    /// Creates the POSIX file system.
    public init() {}

    public func createNew(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { throw FileSystemError(operation: "create", path: path, code: errno) }
        return fd
    }

    public func openForAppending(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw FileSystemError(operation: "open", path: path, code: errno) }
        return fd
    }

    public func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws -> Int {
        while true {
            let n = systemWrite(descriptor, bytes.baseAddress, bytes.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw FileSystemError(operation: "write", path: path, code: errno)
        }
    }

    public func synchronize(_ descriptor: Int32, path: String) throws {
        if fsync(descriptor) != 0 { throw FileSystemError(operation: "fsync", path: path, code: errno) }
    }

    public func close(_ descriptor: Int32, path: String) throws {
        if systemClose(descriptor) != 0 { throw FileSystemError(operation: "close", path: path, code: errno) }
    }

    public func rename(_ source: String, to destination: String) throws {
        if systemRename(source, destination) != 0 { throw FileSystemError(operation: "rename", path: destination, code: errno) }
    }

    public func removeIfPresent(_ path: String) { unlink(path) }

    public func synchronizeDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileSystemError(operation: "open directory", path: path, code: errno) }
        defer { _ = systemClose(fd) }
        if fsync(fd) != 0 && errno != EINVAL { throw FileSystemError(operation: "fsync directory", path: path, code: errno) }
    }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}

private func systemClose(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    return Glibc.close(fd)
    #else
    return Darwin.close(fd)
    #endif
}

private func systemRename(_ a: String, _ b: String) -> Int32 {
    #if canImport(Glibc)
    return Glibc.rename(a, b)
    #else
    return Darwin.rename(a, b)
    #endif
}
