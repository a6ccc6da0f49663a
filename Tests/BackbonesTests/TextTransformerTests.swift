import Backbones
import NN
import Support
import TensorCore
import TestSupport
import XCTest

final class TextTransformerTests: XCTestCase {
    func testByteTokenizer() {
        let tok = ByteTokenizer(contextLength: 8)
        XCTAssertEqual(tok.encode("hi"), [257, 104, 105, 258, 256, 256, 256, 256])
        XCTAssertEqual(tok.encode("abcdefghij").count, 8)
        XCTAssertEqual(tok.encode("abcdefghij").last, 258, "the end token survives truncation")
        let (ids, mask) = tok.encode(batch: ["hi", "é"])
        XCTAssertEqual(ids.shape, [2, 8])
        XCTAssertEqual(mask.scalars, [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0])
        XCTAssertEqual(tok.decode(tok.encode("é")), "é")
    }

    func testTextEncoderShapesCausalityAndGradients() throws {
        var rng = Philox(seed: 2)
        var enc = try Zoo.makeTextEncoder(
            "clip_text", options: TextEncoderOptions(contextLength: 8, width: 16, depth: 2, headCount: 2, featureCount: 12), rng: &rng)
        XCTAssertEqual(enc.visitedParameterCount, reflectedCount(of: Parameter.self, in: enc))
        XCTAssertNotNil(enc.stateDict["blocks.1.attn.qkv.weight"])
        let tok = ByteTokenizer(contextLength: 8)
        let (ids, mask) = tok.encode(batch: ["ab", "abcd"])
        var ctx = Context.inference
        let out = enc.extract(ids, mask: mask, context: &ctx)
        XCTAssertEqual(out.features.shape, [2, 12])
        XCTAssertEqual(out.intermediates.count, 2)
        // Causal: the states at positions 0...2 of "ab" and "abcd" agree (same prefix).
        let s = out.intermediates[1]
        assertClose(
            s.slice(alongAxis: 0, 0..<1).slice(alongAxis: 1, 0..<3), s.slice(alongAxis: 0, 1..<2).slice(alongAxis: 1, 0..<3),
            atol: 1e-8, rtol: 1e-5)
        let tape = Tape()
        let watched = enc.watchParameters(on: tape)
        let f = enc.features(ids, mask: mask, context: &ctx)
        let grads = tape.gradients(of: f.squared().sum(), wrt: watched)
        XCTAssertEqual(grads.count, watched.count)
        XCTAssertTrue(grads.values.allSatisfy { $0.scalars.allSatisfy(\.isFinite) })
        XCTAssertGreaterThan(grads["token_embedding.weight"]!.scalars.map(abs).max()!, 0)
        XCTAssertThrowsError(try Zoo.makeTextEncoder("clip_text", options: TextEncoderOptions(width: 10, headCount: 4), rng: &rng))
    }
}
