import Foundation
import NN
import Objectives
import TensorCore
import TestSupport
import XCTest

/// `retort loss` (LossRegistry) against the PyTorch references in Tests/Fixtures/losses
/// (made by Tests/Fixtures/make_loss_fixtures.py), and its error reporting.
final class LossRegistryTests: XCTestCase {
    struct Case: Decodable {
        var `case`: String
        var loss: String
        var parameters: [String: String]
    }

    static let fixtures = Fixtures.url("losses")

    func cases() throws -> [Case] {
        try JSONDecoder().decode([Case].self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("cases.json")))
    }

    func inputs(_ name: String) throws -> SafeTensors {
        try SafeTensors.read(from: Self.fixtures.appendingPathComponent("\(name).inputs.safetensors"))
    }

    func testEveryFixtureCaseMatchesPyTorch() throws {
        let all = try cases()
        XCTAssertGreaterThanOrEqual(all.count, 12)
        for c in all {
            let expected = try SafeTensors.read(from: Self.fixtures.appendingPathComponent("\(c.case).expected.safetensors"))
            let out = try LossRegistry.evaluate(name: c.loss, inputs: inputs(c.case), parameters: c.parameters)
            XCTAssertEqual(Set(out.tensors.keys), Set(expected.tensors.keys), "\(c.case): output names")
            XCTAssertEqual(out.tensors["loss"]?.shape, Shape([]), "\(c.case): loss shape")
            for key in expected.tensors.keys.sorted() {
                // Within 1e-4 of the larger of the value and the tensor's largest magnitude (so tiny
                // entries of a large gradient are not over-weighted).
                let got = try XCTUnwrap(out.tensors[key], "\(c.case) \(key): missing")
                assertClose(got, expected.tensors[key]!, atol: 1e-7, rtol: 1e-4, relativeToLargest: true, "\(c.case) \(key)")
            }
            // Integer extra outputs (SeLa's labels) must match exactly.
            XCTAssertEqual(Set(out.integers.keys), Set(expected.integers.keys), "\(c.case): integer output names")
            for key in expected.integers.keys.sorted() {
                XCTAssertEqual(out.integers[key]?.shape, expected.integers[key]!.shape, "\(c.case) \(key): shape")
                XCTAssertEqual(out.integers[key]?.scalars, expected.integers[key]!.scalars, "\(c.case) \(key)")
            }
        }
    }

    func testEveryLossHasFixturesIncludingANonDefaultParameter() throws {
        let all = try cases()
        for entry in LossRegistry.entries {
            let mine = all.filter { $0.loss == entry.name }
            XCTAssertGreaterThanOrEqual(mine.count, 2, "\(entry.name): fixture cases")
            for p in entry.parameters {
                XCTAssertTrue(
                    mine.contains { $0.parameters[p.name] != nil && $0.parameters[p.name] != p.defaultValue },
                    "\(entry.name): no case sets \(p.name) to a non-default value")
                if p.defaultValue != nil {  // a required parameter has no default to use
                    XCTAssertTrue(mine.contains { $0.parameters[p.name] == nil }, "\(entry.name): no case uses the default \(p.name)")
                }
            }
        }
    }

    func testStoppedGradientsAreZeroAndOthersAreNot() throws {
        let out = try LossRegistry.evaluate(name: "byol", inputs: inputs("byol_n4_d8"))
        XCTAssertEqual(out.tensors["grad.z1"]?.scalars, [Float](repeating: 0, count: 32))
        XCTAssertEqual(out.tensors["grad.z2"]?.scalars, [Float](repeating: 0, count: 32))
        XCTAssertTrue(out.tensors["grad.p1"]!.scalars.contains { $0 != 0 })
        let kd = try LossRegistry.evaluate(name: "kd", inputs: inputs("kd_n4_k10_tdefault"))
        XCTAssertEqual(kd.tensors["grad.teacher"]?.scalars.allSatisfy { $0 == 0 }, true)
        let simclr = try LossRegistry.evaluate(name: "simclr", inputs: inputs("simclr_n4_d8_tdefault"))
        XCTAssertTrue(simclr.tensors["grad.z2"]!.scalars.contains { $0 != 0 }, "simclr: both views get gradients")
        XCTAssertEqual(simclr.metadata["parameters"], "temperature=0.1")
    }

    func testNewLossFunctionsPassFiniteDifferenceChecks() {
        let a = GradientCheck.random([3, 5], seed: 11)
        let b = GradientCheck.random([3, 5], seed: 12)
        assertGradients([a, b], "NT-Xent") { ContrastiveLosses.ntXent($0[0], $0[1], temperature: 0.5) }
        let z1 = GradientCheck.random([3, 5], seed: 13)
        let z2 = GradientCheck.random([3, 5], seed: 14)
        assertGradients([a, b], "SimSiam") { SSLLosses.simsiam(predictions: ($0[0], $0[1]), targets: (z1, z2)) }
    }

    func testCLIPLossGradientsIncludingTheLogScaleByFiniteDifferences() {
        let image = GradientCheck.random([4, 6], seed: 21)
        let text = GradientCheck.random([4, 6], seed: 22)
        assertGradients([image, text, Tensor(1.3)], "CLIP symmetric InfoNCE") {
            CLIPLosses.symmetric(image: $0[0], text: $0[1], logScale: $0[2])
        }
        // Off-square logits (DeCLIP's nearest-neighbour term: N images against M ≥ N texts).
        let more = GradientCheck.random([5, 6], seed: 23)
        assertGradients([image, more, Tensor(0.7)], "CLIP pairwise") {
            let l = CLIPLosses.scaledLogits(image: $0[0], text: $0[1], logScale: $0[2])
            return CLIPLosses.pairwise(logitsPerImage: l, logitsPerText: l)
        }
    }

    func testCLIPLogScaleGetsAGradientThatLowersTheLossOfAlignedPairs() throws {
        let out = try LossRegistry.evaluate(name: "clip", inputs: inputs("clip_n32_d64_s3.300"))
        let g = try XCTUnwrap(out.tensors["grad.log_scale"])
        XCTAssertEqual(g.shape, Shape([]))
        // Text is correlated with its own image: a sharper softmax lowers the loss.
        XCTAssertLessThan(g.scalar, 0)
    }

    // MARK: - Errors

    func error(_ body: () throws -> Any) -> LossError? {
        do {
            _ = try body()
            XCTFail("expected a LossError")
            return nil
        } catch let e as LossError { return e } catch {
            XCTFail("expected a LossError, got \(error)")
            return nil
        }
    }

    func ssl(_ n: Int = 4, _ d: Int = 8, names: [String] = ["p1", "p2", "z1", "z2"]) -> SafeTensors {
        SafeTensors(tensors: Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, GradientCheck.random([n, d], seed: UInt64($0 + 1))) }))
    }

    func testUnknownLossSuggestsTheClosestName() {
        let e = error { try LossRegistry.evaluate(name: "simclrr", inputs: SafeTensors()) }
        guard case .unknownLoss(let name, let suggestion, let known)? = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(name, "simclrr")
        XCTAssertEqual(suggestion, "simclr")
        XCTAssertEqual(known, LossRegistry.names)
        XCTAssertTrue(e!.description.contains("did you mean 'simclr'"), e!.description)
        guard case .unknownLoss(_, nil, _)? = error({ try LossRegistry.evaluate(name: "totally-different", inputs: SafeTensors()) }) else {
            return XCTFail("no suggestion expected")
        }
    }

    func testMissingInputIsNamed() {
        var file = ssl()
        file.tensors["p2"] = nil
        let e = error { try LossRegistry.evaluate(name: "byol", inputs: file) }
        XCTAssertEqual(e, .missingInput(loss: "byol", input: "p2", expected: "F32 [N, D]", similar: nil))
        XCTAssertTrue(e!.description.contains("'p2'"), e!.description)
    }

    func testExtraInputIsNamed() {
        var file = ssl(names: ["z1", "z2"])
        file.tensors["z3"] = GradientCheck.random([4, 8])
        let e = error { try LossRegistry.evaluate(name: "simclr", inputs: file) }
        guard case .extraInput(let loss, let input, _, let accepted)? = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(loss, "simclr")
        XCTAssertEqual(input, "z3")
        XCTAssertEqual(accepted, ["z1", "z2"])
        XCTAssertTrue(e!.description.contains("'z3'"), e!.description)
        // A misspelt input is reported as missing, naming the key that looks like it.
        var misnamed = ssl(names: ["p1", "p2", "z1"])
        misnamed.tensors["z_2"] = GradientCheck.random([4, 8])
        let e2 = error { try LossRegistry.evaluate(name: "byol", inputs: misnamed) }
        XCTAssertEqual(e2, .missingInput(loss: "byol", input: "z2", expected: "F32 [N, D]", similar: "z_2"))
        XCTAssertTrue(e2!.description.contains("'z_2'"), e2!.description)
        // An integer tensor the loss does not take is extra too.
        var withInts = ssl(names: ["z1", "z2"])
        withInts.integers["labels"] = Int64Tensor(shape: [4], scalars: [0, 1, 2, 3])
        guard case .extraInput(_, "labels", _, _)? = error({ try LossRegistry.evaluate(name: "simclr", inputs: withInts) }) else {
            return XCTFail("labels should be extra")
        }
    }

    func testWrongShapeNamesTheInputAndTheDimension() {
        // Symbolic dims must agree across inputs: N from p1 is 4, z2 has 5 rows.
        var file = ssl()
        file.tensors["z2"] = GradientCheck.random([5, 8])
        let e = error { try LossRegistry.evaluate(name: "byol", inputs: file) }
        guard case .wrongShape(let loss, let input, let expected, let found, let reason)? = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual([loss, input], ["byol", "z2"])
        XCTAssertEqual(expected, ["N", "D"])
        XCTAssertEqual(found, [5, 8])
        XCTAssertTrue(reason.contains("N = 5") && reason.contains("'p1'"), reason)
        XCTAssertTrue(e!.description.contains("'z2'"), e!.description)
        // D must agree too.
        var wide = ssl(names: ["student", "teacher"])
        wide.tensors["teacher"] = GradientCheck.random([4, 9])
        guard case .wrongShape(_, "teacher", _, _, _)? = error({ try LossRegistry.evaluate(name: "kd", inputs: wide) }) else {
            return XCTFail("teacher K mismatch")
        }
        // Rank.
        var flat = ssl(names: ["z1", "z2"])
        flat.tensors["z1"] = GradientCheck.random([32])
        guard case .wrongShape(_, "z1", _, _, let rankReason)? = error({ try LossRegistry.evaluate(name: "simclr", inputs: flat) }) else {
            return XCTFail("rank")
        }
        XCTAssertTrue(rankReason.contains("rank 1"), rankReason)
        // Empty dimensions never reach the loss functions.
        let empty = SafeTensors(tensors: ["z1": Tensor(zeros: [0, 8]), "z2": Tensor(zeros: [0, 8])])
        guard case .wrongShape(_, "z1", _, _, _)? = error({ try LossRegistry.evaluate(name: "simclr", inputs: empty) }) else {
            return XCTFail("empty N")
        }
    }

    func testWrongDTypeIsNamed() {
        var file = ssl(names: ["student"])
        file.integers["teacher"] = Int64Tensor(shape: [4, 8], scalars: [Int64](repeating: 1, count: 32))
        let e = error { try LossRegistry.evaluate(name: "kd", inputs: file) }
        XCTAssertEqual(e, .wrongDType(loss: "kd", input: "teacher", expected: "F32", found: "I64"))
        XCTAssertTrue(e!.description.contains("'teacher'") && e!.description.contains("I64"), e!.description)
    }

    func testParameterErrorsAreNamed() {
        let file = ssl(names: ["z1", "z2"])
        let unknown = error { try LossRegistry.evaluate(name: "simclr", inputs: file, parameters: ["temprature": "0.5"]) }
        XCTAssertEqual(unknown, .unknownParameter(loss: "simclr", parameter: "temprature", suggestion: "temperature", accepted: ["temperature"]))
        XCTAssertTrue(
            unknown!.description.contains("'temprature'") && unknown!.description.contains("did you mean 'temperature'"), unknown!.description)
        for bad in ["abc", "0", "-1", "nan", "inf", ""] {
            let e = error { try LossRegistry.evaluate(name: "simclr", inputs: file, parameters: ["temperature": bad]) }
            XCTAssertEqual(e, .invalidParameter(loss: "simclr", parameter: "temperature", value: bad, expected: "positive number"), bad)
            XCTAssertTrue(e?.description.contains("'temperature'") == true)
        }
        let noParams = error { try LossRegistry.evaluate(name: "byol", inputs: self.ssl(), parameters: ["temperature": "1"]) }
        guard case .unknownParameter("byol", "temperature", nil, [])? = noParams else { return XCTFail("\(String(describing: noParams))") }
    }

    func testParameterAssignmentsParse() throws {
        XCTAssertEqual(try LossRegistry.parseAssignments(["temperature=0.5", "assign=0,1"]), ["temperature": "0.5", "assign": "0,1"])
        XCTAssertEqual(
            error { try LossRegistry.parseAssignments(["temperature"]) }, .malformedParameter(text: "temperature", reason: "expected KEY=VALUE"))
        guard case .malformedParameter? = error({ try LossRegistry.parseAssignments(["t=1", "t=2"]) }) else { return XCTFail("duplicate") }
        guard case .malformedParameter? = error({ try LossRegistry.parseAssignments(["=1"]) }) else { return XCTFail("empty key") }
    }

    func testParameterKindsParse() {
        XCTAssertEqual(LossParameter("x", .indexList, default: nil).parse("0, 1"), .integers([0, 1]))
        XCTAssertNil(LossParameter("x", .indexList, default: nil).parse("0,,1"))
        XCTAssertEqual(LossParameter("x", .positiveInteger, default: nil).parse("3"), .integer(3))
        XCTAssertNil(LossParameter("x", .positiveInteger, default: nil).parse("0"))
        XCTAssertEqual(LossParameter("x", .float, default: nil).parse("-2.5"), .float(-2.5))
    }

    /// The file-level entry point the CLI calls: errors name the problem and leave no output file.
    func testRunWritesOnlyOnSuccess() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loss-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.safetensors")
        let input = Self.fixtures.appendingPathComponent("simclr_n16_d32_t0.5.inputs.safetensors")

        // A missing inputs file, a file that is not safetensors, a bad parameter: errors, no output.
        XCTAssertThrowsError(try LossRegistry.run(name: "simclr", inputs: dir.appendingPathComponent("nope.safetensors"), output: out)) {
            XCTAssertTrue("\($0)".contains("nope.safetensors"), "\($0)")
        }
        let junk = dir.appendingPathComponent("junk.safetensors")
        try Data("not a safetensors file".utf8).write(to: junk)
        XCTAssertThrowsError(try LossRegistry.run(name: "simclr", inputs: junk, output: out)) {
            XCTAssertTrue("\($0)".contains("junk.safetensors"), "\($0)")
        }
        XCTAssertThrowsError(try LossRegistry.run(name: "simclr", inputs: input, output: out, assignments: ["temperature=-1"]))
        XCTAssertThrowsError(try LossRegistry.run(name: "byol", inputs: input, output: out)) {
            XCTAssertEqual($0 as? LossError, .missingInput(loss: "byol", input: "p1", expected: "F32 [N, D]", similar: nil))
        }
        // An F64 tensor (numpy's default) is a dtype error naming the input.
        let header =
            #"{"student":{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]},"teacher":{"dtype":"F32","shape":[1,2],"data_offsets":[16,24]}}"#
        var f64 = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { f64.append(contentsOf: $0) }
        f64.append(contentsOf: Array(header.utf8) + [UInt8](repeating: 0, count: 24))
        let f64URL = dir.appendingPathComponent("f64.safetensors")
        try f64.write(to: f64URL)
        XCTAssertThrowsError(try LossRegistry.run(name: "kd", inputs: f64URL, output: out)) {
            XCTAssertEqual($0 as? LossError, .wrongDType(loss: "kd", input: "student", expected: "F32", found: "F64"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))

        let written = try LossRegistry.run(name: "simclr", inputs: input, output: out, assignments: ["temperature=0.5"])
        let reread = try SafeTensors.read(from: out)
        XCTAssertEqual(reread.tensors["loss"]?.scalars, written.tensors["loss"]?.scalars)
        XCTAssertEqual(Set(reread.tensors.keys), ["loss", "grad.z1", "grad.z2"])
        XCTAssertEqual(reread.metadata["loss"], "simclr")
    }

    func testListingShowsEveryLossWithInputsAndDefaults() {
        let text = LossRegistry.listing()
        for e in LossRegistry.entries {
            XCTAssertTrue(text.contains("\(e.name): "), e.name)
            for i in e.inputs { XCTAssertTrue(text.contains(i.signature), i.signature) }
            for p in e.parameters { XCTAssertTrue(text.contains(p.signature), p.signature) }
        }
        XCTAssertTrue(text.contains("temperature (positive number, default 0.1)"), text)
        XCTAssertTrue(text.contains("temperature (positive number, default 4)"), text)
    }

    func testTableIsWellFormed() {
        XCTAssertEqual(Set(LossRegistry.names).count, LossRegistry.entries.count, "names are unique")
        for e in LossRegistry.entries {
            XCTAssertEqual(Set(e.inputs.map(\.name)).count, e.inputs.count, "\(e.name): input names unique")
            XCTAssertFalse(e.inputs.contains { $0.name == "loss" || $0.name.hasPrefix("grad.") }, e.name)
            for p in e.parameters { if let d = p.defaultValue { XCTAssertNotNil(p.parse(d), "\(e.name).\(p.name) default") } }
        }
    }
}
