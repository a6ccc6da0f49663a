import DataStore
import Foundation
import Support
import XCTest

/// `CaptionTokenizer`, `CaptionAugmenter` (EDA), MLM masking and the loader's `TextPipeline`.
final class TextPipelineTests: XCTestCase {
    func words() throws -> CaptionTokenizer {
        try CaptionTokenizer(kind: .words(FashionCaptioner.vocabulary), contextLength: 8)
    }

    func testTokenizerPadsTruncatesAndRoundTrips() throws {
        let t = try words()
        let (ids, cut) = t.encode("a dark sweater")
        XCTAssertEqual(ids.count, 8)
        XCTAssertFalse(cut)
        XCTAssertEqual(ids[0], CaptionTokenizer.start)
        XCTAssertEqual(ids[4], CaptionTokenizer.end)
        XCTAssertEqual(Array(ids[5...]), [0, 0, 0])
        XCTAssertEqual(t.decode(ids), "a dark sweater")
        XCTAssertEqual(t.encode("a zebra").ids[2], CaptionTokenizer.unknown)
        // Ten words into a context of 8: six kept, the end token still there.
        let long = t.encode("a dark wide tall solid plain sweater with a look")
        XCTAssertTrue(long.truncated)
        XCTAssertEqual(long.ids.last, CaptionTokenizer.end)
        XCTAssertEqual(t.decode(long.ids), "a dark wide tall solid plain")
        // Bytes, and the vocabulary list round trip (what the checkpoint records).
        let b = try CaptionTokenizer(kind: .bytes, contextLength: 6)
        XCTAssertEqual(b.decode(b.encode("héllo").ids), "hél")
        XCTAssertEqual(try CaptionTokenizer(vocabularyList: t.vocabularyList, contextLength: 8), t)
        XCTAssertEqual(try CaptionTokenizer(vocabularyList: b.vocabularyList, contextLength: 6), b)
        XCTAssertThrowsError(try CaptionTokenizer(kind: .words(["a", "a"]), contextLength: 8))
        XCTAssertThrowsError(try CaptionTokenizer(kind: .bytes, contextLength: 1))
        XCTAssertThrowsError(try CaptionTokenizer(vocabularyList: ["a", "b"], contextLength: 8))
    }

    func testEDAOperationsDoWhatTheyName() {
        let eda = CaptionAugmenter(alpha: 0.25)
        let caption = FashionCaptioner.words(of: "a photo of a dark wide sweater with a plain look")
        var seen = Set<UInt8>()
        for k in 0..<60 as Range<UInt64> {
            var rng = Philox(seed: 3, keys: [k])
            let (out, op) = eda.augment(caption, rng: &rng)
            seen.insert(op.rawValue)
            switch op {
            case .synonymReplacement:
                XCTAssertEqual(out.count, caption.count)
                let changed = zip(out, caption).filter { $0 != $1 }
                XCTAssertFalse(changed.isEmpty)
                for (new, old) in changed { XCTAssertTrue(FashionCaptioner.synonyms[old]!.contains(new), "\(old) -> \(new)") }
            case .randomSwap:
                XCTAssertEqual(out.sorted(), caption.sorted())
            case .randomDeletion:
                XCTAssertLessThanOrEqual(out.count, caption.count)
                XCTAssertFalse(out.isEmpty)
            }
        }
        XCTAssertEqual(seen, [1, 2, 3], "all three operations are drawn")
    }

    func testMaskingRatesFollowBERT() {
        var rng = Philox(seed: 9)
        let ids = [CaptionTokenizer.start] + [Int32](repeating: 40, count: 20_000) + [CaptionTokenizer.end]
        let (masked, targets) = TextPipeline.mask(ids, probability: 0.15, vocabularySize: 100, rng: &rng)
        XCTAssertEqual(targets.first, -1)
        XCTAssertEqual(targets.last, -1, "special tokens are never chosen")
        let chosen = targets.indices.filter { targets[$0] >= 0 }
        XCTAssertEqual(Double(chosen.count) / 20_000, 0.15, accuracy: 0.01)
        let toMask = chosen.filter { masked[$0] == CaptionTokenizer.mask }.count
        let kept = chosen.filter { masked[$0] == 40 }.count
        XCTAssertEqual(Double(toMask) / Double(chosen.count), 0.8, accuracy: 0.03)
        // Kept: the 10% unchanged plus random draws that hit the same id (1/95 of 10%).
        XCTAssertEqual(Double(kept) / Double(chosen.count), 0.1, accuracy: 0.03)
        XCTAssertTrue(chosen.allSatisfy { targets[$0] == 40 })
        XCTAssertTrue(targets.indices.filter { targets[$0] < 0 }.allSatisfy { masked[$0] == ids[$0] })
    }

    func testLoaderTokenisesInTheWorkerReproducibly() throws {
        let dir = StoreFixtures.tempDir()
        let path = dir + "/captions.rstore"
        try StoreFixtures.mixedStore(at: path, samples: 20)  // captions "caption \(k) é", ids 1000 + k
        let pipeline = TextPipeline(tokenizer: try words(), augmenter: CaptionAugmenter(), maskProbability: 0.15, seed: 5)
        var c = LoaderConfig(batchSize: 4, views: [ViewSpec(crop: .resize, outHeight: 4, outWidth: 4)])
        c.workers = 3
        c.text = pipeline
        let batches = try LoaderTests.all(Loader(path: path, config: c), epoch: 2)
        for b in batches {
            let encoded = try XCTUnwrap(b.encodedTexts)
            for (i, e) in encoded.enumerated() {
                XCTAssertEqual(e, pipeline.encode(b.texts![i], epoch: 2, sampleID: b.sampleIDs[i]))
                XCTAssertNotNil(e.augmentedIDs)
                XCTAssertNotEqual(e.augmentation, 0)
            }
        }
        c.text = nil
        XCTAssertNil(try Loader(path: path, config: c).epoch(0).next()!.encodedTexts)
        // A pipeline on a store without captions is an error.
        c.text = pipeline
        c.loadTexts = false
        XCTAssertThrowsError(try Loader(path: path, config: c))
    }
}
