import COpenBLAS

/// Process-wide allocator settings, applied once by an executable at start-up (never by library code).
public enum MemoryPolicy {
    /// Serves every allocation from the heap and never returns freed memory to the OS, so a freed
    /// activation is reused by the next op instead of each new tensor paying a fresh `mmap` and a
    /// page fault (with kernel zeroing) per 4 KiB page. Measured in docs/performance.md: batch-norm
    /// and copies run 2-7x faster. Costs: the process keeps its peak heap.
    public static func retainFreedBlocks() {
        _ = mallopt(M_MMAP_MAX, 0)  // no mmap-backed blocks
        _ = mallopt(M_TRIM_THRESHOLD, Int32.max)  // never trim the heap top
    }

    /// Keeps freed blocks up to `bytes` in the heap instead of returning them with `munmap` (glibc's
    /// mmap and trim thresholds raised to `bytes`): `retort-bench engine --keep-heap`'s experiment.
    public static func raiseMmapAndTrimThresholds(to bytes: Int32) {
        _ = mallopt(M_MMAP_THRESHOLD, bytes)
        _ = mallopt(M_TRIM_THRESHOLD, bytes)
    }
}
