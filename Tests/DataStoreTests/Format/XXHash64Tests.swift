import CZstd
import DataStore
import XCTest

final class XXHash64Tests: XCTestCase {
    func testKnownVectors() {
        XCTAssertEqual(XXHash64.hash([UInt8]()), 0xEF46_DB37_51D8_E999)
        XCTAssertEqual(XXHash64.hash(Array("a".utf8)), 0xD24E_C4F1_A98C_6E5B)
        XCTAssertEqual(XXHash64.hash(Array("abc".utf8)), 0x44BC_2CF5_AD77_0999)
    }

    /// zstd's frame checksum is the low 32 bits of XXH64(content): compare on many lengths.
    func testMatchesZstdFrameChecksum() {
        for n in [1, 3, 4, 7, 8, 31, 32, 33, 63, 64, 100, 1000, 4099] {
            let data = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
            let cctx = ZSTD_createCCtx()
            defer { ZSTD_freeCCtx(cctx) }
            ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)
            var out = [UInt8](repeating: 0, count: ZSTD_compressBound(n))
            let m = out.withUnsafeMutableBytes { o in data.withUnsafeBytes { ZSTD_compress2(cctx, o.baseAddress, o.count, $0.baseAddress, n) } }
            XCTAssertEqual(ZSTD_isError(m), 0)
            let tail = out[(m - 4)..<m]
            let z = tail.reversed().reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
            XCTAssertEqual(z, UInt32(truncatingIfNeeded: XXHash64.hash(data)), "length \(n)")
        }
    }
}
