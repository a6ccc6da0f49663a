import Support
import XCTest

/// `parallelFor` visits every index exactly once, in contiguous chunks, whatever the thread count.
final class ParallelLoopsTests: XCTestCase {
    func testEveryIndexOnceForEachThreadCountAndGrain() {
        let before = ParallelLoops.threadCount
        defer { ParallelLoops.setThreadCount(before) }
        for threads in [1, 2, 3] {
            ParallelLoops.setThreadCount(threads)
            XCTAssertEqual(ParallelLoops.threadCount, threads)
            for (count, grain) in [(0, 1), (1, 1), (7, 1), (100, 8), (5, 64)] {
                let hits = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
                defer { hits.deallocate() }
                hits.initialize(repeating: 0, count: max(count, 1))
                let p = SendablePointer(hits)
                parallelFor(count, grain: grain) { range in
                    for i in range { p[i] += 1 }
                }
                let visited = Array(UnsafeBufferPointer(start: hits, count: count))
                XCTAssertEqual(visited, Array(repeating: 1, count: count), "threads \(threads), count \(count), grain \(grain)")
            }
        }
    }
}
