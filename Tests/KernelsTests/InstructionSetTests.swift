import Kernels
import XCTest

extension XCTestCase {
    /// Runs `body` once under each C-kernel build this CPU runs (baseline, then AVX2, then AVX-512 where
    /// supported), so every build is tested on a machine that has the widest; the ceiling is lifted after.
    func forEachInstructionSet(_ body: (InstructionSet) throws -> Void) rethrows {
        InstructionSet.limit(to: .avx512)
        let best = InstructionSet.current
        defer { InstructionSet.limit(to: .avx512) }
        for isa in InstructionSet.allCases where isa.rawValue <= best.rawValue {
            InstructionSet.limit(to: isa)
            try body(isa)
        }
    }
}

final class InstructionSetTests: XCTestCase {
    /// The ceiling caps the build in use and lifting it restores the CPU's best.
    func testTheCeilingCapsTheBuild() {
        var seen: [InstructionSet] = []
        forEachInstructionSet { isa in
            XCTAssertEqual(InstructionSet.current, isa)
            seen.append(isa)
        }
        XCTAssertEqual(seen.first, .baseline)
        XCTAssertEqual(InstructionSet.current, seen.last)
        XCTAssertEqual(InstructionSet.allCases.map(\.description), ["baseline", "avx2", "avx512"])
    }
}
