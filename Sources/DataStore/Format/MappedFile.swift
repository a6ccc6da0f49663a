import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A read-only memory mapping of a whole file (mmap via Glibc). The mapping lives as long as this
/// object; pointers derived from it are used only while a reference is held.
final class MappedFile: @unchecked Sendable {
    let path: String
    let size: Int
    private let base: UnsafeRawPointer?

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw StoreError.io(path: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw StoreError.io(path: path, message: String(cString: strerror(errno))) }
        size = Int(st.st_size)
        if size == 0 {
            base = nil
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        if p == MAP_FAILED || p == nil { throw StoreError.io(path: path, message: "mmap: \(String(cString: strerror(errno)))") }
        base = UnsafeRawPointer(p!)
    }

    deinit { if let b = base { munmap(UnsafeMutableRawPointer(mutating: b), size) } }

    /// Calls `body` with the bytes in `offset ..< offset + count` (caller checked the range).
    @inline(__always)
    func withBytes<R>(_ offset: Int, _ count: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base.map { $0 + offset }, count: count))
    }

    /// Hints the kernel to read the range ahead (madvise WILLNEED).
    func willNeed(_ offset: Int, _ count: Int) {
        guard let b = base, count > 0 else { return }
        let page = 4096
        let start = offset / page * page
        _ = madvise(UnsafeMutableRawPointer(mutating: b + start), min(size - start, count + offset - start), MADV_WILLNEED)
    }
}
