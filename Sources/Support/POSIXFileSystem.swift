import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real POSIX file system.
public struct POSIXFileSystem: FileSystem {
    /// Creates the POSIX file system.
    public init() {}

    /// `open(2)` with `O_CREAT | O_EXCL`.
    public func createNew(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { throw FileSystemError(operation: "create", path: path, code: errno) }
        return fd
    }

    /// `open(2)` with `O_CREAT | O_APPEND`.
    public func openForAppending(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw FileSystemError(operation: "open", path: path, code: errno) }
        return fd
    }

    /// `write(2)`, retried on `EINTR`.
    public func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws -> Int {
        while true {
            let n = systemWrite(descriptor, bytes.baseAddress, bytes.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw FileSystemError(operation: "write", path: path, code: errno)
        }
    }

    /// `fsync(2)`.
    public func synchronize(_ descriptor: Int32, path: String) throws {
        if fsync(descriptor) != 0 { throw FileSystemError(operation: "fsync", path: path, code: errno) }
    }

    /// `close(2)`.
    public func close(_ descriptor: Int32, path: String) throws {
        if systemClose(descriptor) != 0 { throw FileSystemError(operation: "close", path: path, code: errno) }
    }

    /// `rename(2)`.
    public func rename(_ source: String, to destination: String) throws {
        if systemRename(source, destination) != 0 { throw FileSystemError(operation: "rename", path: destination, code: errno) }
    }

    /// `unlink(2)`, errors ignored.
    public func removeIfPresent(_ path: String) { unlink(path) }

    /// `fsync(2)` on the directory (EINVAL, for file systems that cannot, is ignored).
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
