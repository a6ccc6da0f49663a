/// glibc's `mallopt` (not exported by Swift's Glibc module).
@_silgen_name("mallopt") private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32

/// Process-wide allocator settings, applied once by an executable at start-up (never by library code).
public enum MemoryPolicy {
    /// Serves every allocation from the heap and never returns freed memory to the OS, so a freed
    /// activation is reused by the next op instead of each new tensor paying a fresh `mmap` and a
    /// page fault (with kernel zeroing) per 4 KiB page. Measured in docs/performance.md: batch-norm
    /// and copies run 2-7x faster. Costs: the process keeps its peak heap.
    public static func retainFreedBlocks() {
        _ = glibcMallopt(-4, 0)  // M_MMAP_MAX = 0: no mmap-backed blocks
        _ = glibcMallopt(-1, Int32.max)  // M_TRIM_THRESHOLD: never trim the heap top
    }
}
