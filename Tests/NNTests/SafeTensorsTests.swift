import Foundation
import NN
import TensorCore
import TestSupport
import XCTest

final class SafeTensorsTests: XCTestCase {
    func testRoundTripIsBitExact() throws {
        let dir = try TemporaryDirectory(removedAfter: self).url
        let specials: [Float] = [
            0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
            Float(bitPattern: 0x7FC0_1234), 1e-30, -3.25,
        ]
        let random = GradientCheck.random([3, 5, 2], seed: 4)
        var file = SafeTensors(metadata: ["format": "pt", "quote\"key": "line\nbreak"])
        file.tensors["a.b.weight"] = random
        file.tensors["special"] = Tensor(specials)
        file.tensors["scalar"] = Tensor(7)
        file.integers["step"] = Int64Tensor(shape: [], scalars: [Int64.max])
        file.integers["counts"] = Int64Tensor(shape: [2], scalars: [-1, 42])
        let url = dir.appendingPathComponent("x.safetensors")
        try file.write(to: url)
        let back = try SafeTensors.read(from: url)
        XCTAssertEqual(back.metadata, file.metadata)
        XCTAssertEqual(back.integers, file.integers)
        XCTAssertEqual(Set(back.tensors.keys), Set(file.tensors.keys))
        for (k, t) in file.tensors {
            XCTAssertEqual(back.tensors[k]!.shape, t.shape)
            XCTAssertEqual(TestTensors.bits(back.tensors[k]!), TestTensors.bits(t), k)
        }
        // Header layout: 8-byte little-endian length, padded to a multiple of 8.
        let data = try Data(contentsOf: url)
        let n = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        XCTAssertEqual(n % 8, 0)
        XCTAssertEqual(data[8], UInt8(ascii: "{"))
        XCTAssertEqual(file.serialized(), data, "serialisation is deterministic")
    }

    func testReadsPyTorchF16BF16AndI64() throws {
        let f = try SafeTensors.read(from: Fixtures.url("nn/dtypes.safetensors"))
        XCTAssertEqual(f.tensors["half"]!.shape, [2, 4])
        XCTAssertEqual(TestTensors.bits(f.tensors["half"]!), TestTensors.bits(f.tensors["half_as_f32"]!))
        XCTAssertEqual(TestTensors.bits(f.tensors["bf16"]!), TestTensors.bits(f.tensors["bf16_as_f32"]!))
        XCTAssertEqual(f.integers["counter"], Int64Tensor(shape: [], scalars: [123_456_789_012]))
        XCTAssertEqual(f.metadata["note"], "dtype fixture")
    }

    func testMalformedFilesThrowTypedErrorsNamingTheFile() throws {
        let dir = try TemporaryDirectory(removedAfter: self).url
        let url = dir.appendingPathComponent("bad.safetensors")
        try Data([1, 2, 3]).write(to: url)
        XCTAssertThrowsError(try SafeTensors.read(from: url)) { e in
            guard case .malformed(let file, _) = e as? CheckpointError else { return XCTFail("\(e)") }
            XCTAssertEqual(file, url.path)
        }
        var good = SafeTensors(tensors: ["w": Tensor([1, 2, 3])]).serialized()
        good.removeLast(4)  // truncated data
        XCTAssertThrowsError(try SafeTensors.parse(good, file: "t.safetensors")) { e in
            XCTAssertTrue("\(e)".contains("t.safetensors") && "\(e)".contains("'w'"), "\(e)")
        }
        XCTAssertThrowsError(try SafeTensors.read(from: dir.appendingPathComponent("missing.safetensors"))) { e in
            guard case .io = e as? CheckpointError else { return XCTFail("\(e)") }
        }
        let header = #"{"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#
        var bytes = Data(withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) })
        bytes.append(contentsOf: Array(header.utf8) + [0])
        XCTAssertThrowsError(try SafeTensors.parse(bytes, file: "u8.safetensors")) { e in
            XCTAssertEqual(e as? CheckpointError, .unsupportedDType(file: "u8.safetensors", key: "x", dtype: "U8"))
        }
        // Negative or overflowing dimensions are malformed files, not traps.
        for dims in ["[-1,-4]", "[4611686018427387904,4]", "[3037000500,3037000500,0]", "[2305843009213693952]"] {
            let h = #"{"x":{"dtype":"F32","shape":"# + dims + #","data_offsets":[0,16]}}"#
            var b = Data(withUnsafeBytes(of: UInt64(h.utf8.count).littleEndian) { Array($0) })
            b.append(contentsOf: Array(h.utf8) + [UInt8](repeating: 0, count: 16))
            XCTAssertThrowsError(try SafeTensors.parse(b, file: "dims.safetensors"), dims) { e in
                guard case .malformed(_, let message) = e as? CheckpointError else { return XCTFail("\(e)") }
                XCTAssertTrue(message.contains("'x'"), message)
            }
        }
    }

    func testAtomicWriteLeavesNoTemporaryFiles() throws {
        let dir = try TemporaryDirectory(removedAfter: self).url
        let url = dir.appendingPathComponent("m.safetensors")
        try SafeTensors(tensors: ["a": Tensor([1])]).write(to: url)
        try SafeTensors(tensors: ["a": Tensor([2])]).write(to: url)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["m.safetensors"])
        XCTAssertEqual(try SafeTensors.read(from: url).tensors["a"]!.scalars, [2])
        XCTAssertThrowsError(try SafeTensors().write(to: dir.appendingPathComponent("no/such/dir/x.safetensors")))
    }
}
