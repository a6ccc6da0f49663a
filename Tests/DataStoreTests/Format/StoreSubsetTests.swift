import DataStore
import Foundation
import XCTest

final class StoreSubsetTests: XCTestCase {
    /// A labelled store: `samples` raw images, label k % classes, ids 7000 + k, plus a text field.
    static func labelled(at path: String, samples: Int = 30, classes: Int = 3, hasLabels: Bool = true) throws {
        let schema = StoreSchema(
            fields: [FieldSpec(name: "image", kind: .image, imageCodec: .raw), FieldSpec(name: "caption", kind: .text)],
            hasLabels: hasLabels, classNames: hasLabels ? (0..<classes).map { "c\($0)" } : [],
            source: "fixture", shuffleSeed: 5, chunkBytes: 300)
        try StoreWriter.write(to: path, schema: schema) { w in
            for k in 0..<samples {
                try w.append(
                    StoreSample(
                        id: UInt64(7000 + k), label: hasLabels ? Int32(k % classes) : -1,
                        values: [.image(StoreFixtures.image(k, h: 6, w: 5, c: 3)), .text("sample \(k)")]))
            }
        }
    }

    /// Every output sample's id, label and every field's bytes equal the input's at the same id; ids in input order.
    func assertCopiedVerbatim(_ outPath: String, from inPath: String, dropLabels: Bool = false, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        let a = try StoreReader(path: inPath)
        let b = try StoreReader(path: outPath)
        XCTAssertEqual(b.schema.fields, a.schema.fields, file: file, line: line)
        XCTAssertEqual(b.schema.chunkBytes, a.schema.chunkBytes, file: file, line: line)
        XCTAssertEqual(b.schema.shuffleSeed, a.schema.shuffleSeed, file: file, line: line)
        var byID: [UInt64: Int] = [:]
        for i in 0..<a.count { byID[a.sampleID(i)] = i }
        var last = -1
        for j in 0..<b.count {
            guard let i = byID[b.sampleID(j)] else { return XCTFail("unknown id \(b.sampleID(j))", file: file, line: line) }
            XCTAssertGreaterThan(i, last, "stored order = input order", file: file, line: line)
            last = i
            XCTAssertEqual(b.label(j), dropLabels ? -1 : a.label(i), file: file, line: line)
            for f in a.schema.fields.indices {
                XCTAssertEqual(try b.bytes(sample: j, field: f), try a.bytes(sample: i, field: f), file: file, line: line)
                if a.schema.fields[f].kind == .image {
                    let x = try a.imageInfo(sample: i, field: f)!
                    let y = try b.imageInfo(sample: j, field: f)!
                    XCTAssertTrue(x == y, file: file, line: line)
                }
            }
        }
        XCTAssertTrue(b.verify().isEmpty, file: file, line: line)
    }

    func testFractionRoundsAndCopiesVerbatim() throws {
        let dir = StoreFixtures.tempDir()
        let src = dir + "/mixed.rstore"
        try StoreFixtures.mixedStore(at: src)  // 12 samples, every field kind
        for (f, expected) in [(0.25, 3), (0.125, 2), (0.5, 6), (1.0, 12), (0.29, 3), (0.3, 4)] {  // 1.5 -> 2, 3.48 -> 3, 3.6 -> 4
            let out = dir + "/f\(f).rstore"
            let s = try StoreSubset.subset(input: src, output: out, selection: .fraction(f), seed: 4)
            XCTAssertEqual(s.samples, expected, "fraction \(f)")
            try assertCopiedVerbatim(out, from: src)
        }
        XCTAssertThrowsError(try StoreSubset.subset(input: src, output: dir + "/x.rstore", selection: .fraction(0.04))) {
            XCTAssertEqual($0 as? StoreSubsetError, .emptySelection("fraction 0.04 of 12 samples"))
        }
        for bad in [0.0, -0.5, 1.5, .nan] {
            XCTAssertThrowsError(try StoreSubset.subset(input: src, output: dir + "/x.rstore", selection: .fraction(bad))) {
                guard case .invalidFraction = $0 as? StoreSubsetError else { return XCTFail("\($0)") }
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.rstore"))
        // Whole-store fraction is the store itself, sample for sample.
        XCTAssertEqual(try StoreReader(path: dir + "/f1.0.rstore").count, 12)
    }

    func testComplementIsTheDisjointRest() throws {
        let dir = StoreFixtures.tempDir()
        let src = dir + "/in.rstore"
        try Self.labelled(at: src, samples: 25)
        try StoreSubset.subset(input: src, output: dir + "/part.rstore", selection: .fraction(0.4), seed: 3)
        try StoreSubset.subset(input: src, output: dir + "/rest.rstore", selection: .fraction(0.4), seed: 3, dropLabels: true, complement: true)
        let part = try StoreReader(path: dir + "/part.rstore")
        let rest = try StoreReader(path: dir + "/rest.rstore")
        XCTAssertEqual(part.count, 10)
        XCTAssertEqual(rest.count, 15)
        let a = Set((0..<part.count).map(part.sampleID))
        let b = Set((0..<rest.count).map(rest.sampleID))
        XCTAssertTrue(a.isDisjoint(with: b))
        XCTAssertEqual(a.union(b), Set((7000..<7025).map(UInt64.init)))
        XCTAssertFalse(rest.schema.hasLabels)
        XCTAssertTrue(rest.schema.source.contains("the complement of fraction 0.4, seed 3"), rest.schema.source)
        try assertCopiedVerbatim(dir + "/rest.rstore", from: src, dropLabels: true)
        XCTAssertThrowsError(try StoreSubset.subset(input: src, output: dir + "/none.rstore", selection: .fraction(1), complement: true)) {
            guard case .emptySelection = $0 as? StoreSubsetError else { return XCTFail("\($0)") }
        }
    }

    func testSameInputAndSeedGiveByteIdenticalOutput() throws {
        let dir = StoreFixtures.tempDir()
        let src = dir + "/in.rstore"
        try Self.labelled(at: src, samples: 40)
        for sel in [SubsetSelection.fraction(0.4), .perClass(3)] {
            try StoreSubset.subset(input: src, output: dir + "/a.rstore", selection: sel, seed: 11)
            try StoreSubset.subset(input: src, output: dir + "/b.rstore", selection: sel, seed: 11)
            try StoreSubset.subset(input: src, output: dir + "/c.rstore", selection: sel, seed: 12)
            let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.rstore"))
            XCTAssertEqual(a, try Data(contentsOf: URL(fileURLWithPath: dir + "/b.rstore")), "\(sel)")
            XCTAssertNotEqual(a, try Data(contentsOf: URL(fileURLWithPath: dir + "/c.rstore")), "\(sel)")
        }
    }

    func testPerClassCountsAndProvenance() throws {
        let dir = StoreFixtures.tempDir()
        let src = dir + "/in.rstore"
        try Self.labelled(at: src, samples: 31, classes: 3)  // 11, 10, 10 per class
        let out = dir + "/pc.rstore"
        try StoreSubset.subset(input: src, output: out, selection: .perClass(4), seed: 2)
        let r = try StoreReader(path: out)
        XCTAssertEqual(r.count, 12)
        XCTAssertEqual(r.stats().labelHistogram, [0: 4, 1: 4, 2: 4])
        XCTAssertTrue(r.schema.hasLabels)
        XCTAssertEqual(r.schema.classNames, ["c0", "c1", "c2"])
        XCTAssertTrue(r.schema.source.hasPrefix("subset of [fixture] (fingerprint "), r.schema.source)
        XCTAssertTrue(r.schema.source.contains("31 samples): 12 samples, per-class 4, seed 2"), r.schema.source)
        try assertCopiedVerbatim(out, from: src)
        // A class smaller than N is kept whole.
        try StoreSubset.subset(input: src, output: out, selection: .perClass(10), seed: 2)
        XCTAssertEqual(try StoreReader(path: out).stats().labelHistogram, [0: 10, 1: 10, 2: 10])
        try StoreSubset.subset(input: src, output: out, selection: .perClass(100), seed: 2)
        XCTAssertEqual(try StoreReader(path: out).count, 31)
        // Different seeds pick different samples.
        let s0 = try StoreReader(path: src)
        let p1 = try StoreSubset.select(s0, .perClass(2), seed: 1)
        let p2 = try StoreSubset.select(s0, .perClass(2), seed: 3)
        XCTAssertNotEqual(p1, p2)
        XCTAssertEqual(p1, p1.sorted())
        XCTAssertThrowsError(try StoreSubset.select(s0, .perClass(0))) { XCTAssertEqual($0 as? StoreSubsetError, .invalidPerClass(0)) }
        // No labels: an error naming the store.
        let unl = dir + "/unlabelled.rstore"
        try Self.labelled(at: unl, samples: 6, hasLabels: false)
        XCTAssertThrowsError(try StoreSubset.subset(input: unl, output: dir + "/y.rstore", selection: .perClass(1))) {
            XCTAssertEqual($0 as? StoreSubsetError, .noLabels(path: unl))
            XCTAssertTrue("\($0)".contains(unl))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/y.rstore"))
    }

    func testIDsFileSelectsAndReportsFileAndLine() throws {
        let dir = StoreFixtures.tempDir()
        let src = dir + "/in.rstore"
        try Self.labelled(at: src, samples: 20)
        let ids = dir + "/ids.txt"
        try "# validation split\n7015\n\n  7003  \n7010 # trailing comment\r\n\n".write(toFile: ids, atomically: true, encoding: .utf8)
        let out = dir + "/ids.rstore"
        try StoreSubset.subset(input: src, output: out, selection: .idsFile(ids))
        let r = try StoreReader(path: out)
        XCTAssertEqual((0..<r.count).map(r.sampleID), [7003, 7010, 7015])  // input order, not file order
        XCTAssertTrue(r.schema.source.contains("ids from ids.txt"), r.schema.source)
        try assertCopiedVerbatim(out, from: src)

        func failure(_ text: String) -> StoreSubsetError? {
            try? text.write(toFile: ids, atomically: true, encoding: .utf8)
            do { _ = try StoreSubset.subset(input: src, output: dir + "/bad.rstore", selection: .idsFile(ids)) } catch {
                return error as? StoreSubsetError
            }
            XCTFail("expected an error for \(text.debugDescription)")
            return nil
        }
        XCTAssertEqual(failure("7001\n# ok\n99\n"), .unknownID(path: ids, line: 3, id: 99, store: src))
        XCTAssertEqual(failure("7001\n\n7002x\n"), .malformedID(path: ids, line: 3, text: "7002x"))
        XCTAssertEqual(failure("-5\n"), .malformedID(path: ids, line: 1, text: "-5"))
        XCTAssertEqual(failure("7001 7002\n"), .malformedID(path: ids, line: 1, text: "7001 7002"))
        XCTAssertEqual(failure("7001\n7002\n7001\n"), .duplicateID(path: ids, line: 3, id: 7001, firstLine: 1))
        XCTAssertEqual(failure("# nothing\n\n"), .emptySelection("ids file \(ids)"))
        XCTAssertEqual("\(failure("7001\n# ok\n99\n")!)", "\(ids):3: sample id 99 is not in \(src)")
        XCTAssertEqual("\(failure("1\nabc\n")!)", "\(ids):2: not a sample id: 'abc'")
        XCTAssertThrowsError(try StoreSubset.subset(input: src, output: dir + "/bad.rstore", selection: .idsFile(dir + "/missing.txt"))) {
            guard case .unreadableIDsFile(let p, _)? = $0 as? StoreSubsetError else { return XCTFail("\($0)") }
            XCTAssertEqual(p, dir + "/missing.txt")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/bad.rstore"))
    }

    func testDropLabels() throws {
        let dir = StoreFixtures.tempDir()
        let src = dir + "/in.rstore"
        try Self.labelled(at: src, samples: 12)
        let out = dir + "/nl.rstore"
        try StoreSubset.subset(input: src, output: out, selection: .perClass(2), seed: 0, dropLabels: true)
        let r = try StoreReader(path: out)
        XCTAssertEqual(r.count, 6)
        XCTAssertFalse(r.schema.hasLabels)
        XCTAssertEqual(r.schema.classNames, [])
        XCTAssertEqual((0..<r.count).map(r.label), Array(repeating: -1, count: 6))
        XCTAssertTrue(r.schema.source.hasSuffix("per-class 2, seed 0, labels dropped"), r.schema.source)
        try assertCopiedVerbatim(out, from: src, dropLabels: true)
    }

    func testEncodedImagesAreCopiedAsStored() throws {
        let dir = StoreFixtures.tempDir()
        let src = dir + "/enc.rstore"
        let img = StoreFixtures.image(3, h: 16, w: 24, c: 3)
        let jpg = try img.pixels.withUnsafeBufferPointer { try JPEGCodec().encode($0.baseAddress!, width: 24, height: 16, channels: 3, quality: 90) }
        let png = try img.pixels.withUnsafeBufferPointer { try PNGCodec.encode($0.baseAddress!, width: 24, height: 16, channels: 3) }
        try StoreWriter.write(to: src, schema: StoreSchema(fields: [FieldSpec(name: "image", kind: .image, imageCodec: .jpeg)])) { w in
            for k in 0..<6 {
                try w.append(
                    StoreSample(
                        id: UInt64(k), label: Int32(k % 2),
                        values: [
                            .encodedImage(codec: k % 2 == 0 ? .jpeg : .png, bytes: k % 2 == 0 ? jpg : png, height: 16, width: 24, channels: 3)
                        ]))
            }
        }
        let out = dir + "/enc-sub.rstore"
        try StoreSubset.subset(input: src, output: out, selection: .fraction(0.5), seed: 1)
        XCTAssertEqual(try StoreReader(path: out).count, 3)
        try assertCopiedVerbatim(out, from: src)
    }

    func testFailedWriteLeavesNoOutput() throws {
        let dir = StoreFixtures.tempDir()
        let src = dir + "/in.rstore"
        try Self.labelled(at: src, samples: 30)
        // Corrupt a late data chunk: the copy fails part-way and neither OUT nor OUT.tmp remains.
        let r = try StoreReader(path: src)
        let e = r.chunk(r.chunkCount - 1)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: src))
        bytes[Int(e.fileOffset)] ^= 0x40
        let bad = dir + "/corrupt.rstore"
        try bytes.write(to: URL(fileURLWithPath: bad))
        let out = dir + "/out.rstore"
        XCTAssertThrowsError(try StoreSubset.subset(input: bad, output: out, selection: .fraction(1))) {
            guard case .chunkChecksum(let p, _)? = $0 as? StoreError else { return XCTFail("\($0)") }
            XCTAssertEqual(p, bad)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".tmp"))
        // Writing onto the input is refused.
        XCTAssertThrowsError(try StoreSubset.subset(input: src, output: src, selection: .fraction(0.5))) {
            XCTAssertEqual($0 as? StoreSubsetError, .outputIsInput(path: src))
        }
        XCTAssertTrue(try StoreReader(path: src).verify().isEmpty)
    }
}
