import Backbones
import Foundation
import NN
import Objectives
import Support
import TensorCore
import XCTest

/// CLIP on a tiny ResNet and a tiny text tower: the symmetric InfoNCE of the two towers, the
/// log-scale's gradient, clamp and weight-decay role, and the vocabulary state.
extension ObjectiveTests {
    func tinyCLIP(_ model: Net, vocabulary: [String] = ["<pad>", "<start>", "<end>", "<mask>", "<unk>", "a", "b"]) -> CLIP<Net> {
        var rng = Philox(seed: 3)
        let tower = TextTransformer(
            contextLength: 6, vocabularySize: 12, width: 8, depth: 1, headCount: 2, featureCount: 6,
            endToken: 2, rng: &rng)
        return CLIP(model: model, textTower: tower, vocabulary: vocabulary, rng: &rng)
    }

    func textBatch(n: Int = 4) -> TrainingBatch {
        var b = batch(views: 1, n: n)
        // start, 1–3 words, end, padding.
        var ids: [Int32] = []
        for i in 0..<n {
            var row: [Int32] = [1]
            for k in 0...(i % 3) { row.append(Int32(5 + (i + k) % 7)) }
            row.append(2)
            ids += row + [Int32](repeating: 0, count: 6 - row.count)
        }
        b.text = TextBatch(ids: IntTensor(shape: [n, 6], scalars: ids))
        return b
    }

    func testCLIPTrainsBothTowersAndTheLogScale() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var clip = tinyCLIP(model)
        XCTAssertEqual(clip.logScale.value.scalar, Float(Foundation.log(1 / 0.07)), accuracy: 1e-6)
        XCTAssertEqual(clip.logScale.role, .scale)
        XCTAssertTrue(clip.logScale.role.isNormOrBias, "excluded from weight decay")
        let b = textBatch()
        let (out, g) = try gradients(&clip, &model, b)
        XCTAssertEqual(out.terms.map(\.name), ["clip"])
        XCTAssertEqual(out.metrics["logit_scale"]!, 1 / 0.07, accuracy: 1e-3)
        for key in [
            "objective.logit_scale", "objective.image_projection.weight", "objective.text.text_projection",
            "objective.text.token_embedding.weight", "conv1.weight",
        ] {
            XCTAssertGreaterThan(try XCTUnwrap(g[key], key).abs().sum().scalar, 0, key)
        }
        // The term is the pure loss of the two towers' embeddings.
        var m = model
        var c = clip
        var ctx = Context(training: true, rng: Philox(seed: 1))
        let zi = c.embedImages(model: &m, b.views[0], context: &ctx).embeddings
        let zt = c.embedTexts(b.text!.ids, padding: 0, context: &ctx)
        XCTAssertEqual(out.terms[0].value.scalar, CLIPLosses.symmetric(image: zi, text: zt, logScale: c.logScale.value).scalar, accuracy: 1e-5)
    }

    func testCLIPClampsTheLogScaleAfterEachStep() {
        let model = tinyNet(classes: nil, seed: 1)
        var clip = tinyCLIP(model)
        let progress = TrainingProgress(step: 1, totalSteps: 2, epoch: 0)
        clip.logScale.value = Tensor(7)
        clip.afterStep(model: model, progress: progress)
        XCTAssertEqual(clip.logScale.value.scalar, Float(Foundation.log(100.0)), accuracy: 1e-6)
        clip.logScale.value = Tensor(-0.5)
        clip.afterStep(model: model, progress: progress)
        XCTAssertEqual(clip.logScale.value.scalar, 0)
        clip.logScale.value = Tensor(2)
        clip.afterStep(model: model, progress: progress)
        XCTAssertEqual(clip.logScale.value.scalar, 2, "inside the range it is untouched")
    }

    func testCLIPSavesItsVocabularyAndRejectsAnother() throws {
        let model = tinyNet(classes: nil, seed: 1)
        var clip = tinyCLIP(model, vocabulary: ["<pad>", "<start>", "<end>", "<mask>", "<unk>", "ünï", "b"])
        let state = clip.state
        XCTAssertEqual(CLIP<Net>.decodeVocabulary(try XCTUnwrap(state.integers["text_vocabulary"])), clip.vocabulary)
        try clip.loadState(state, file: "s")
        var other = tinyCLIP(model)
        XCTAssertThrowsError(try other.loadState(state, file: "s.safetensors")) { e in
            XCTAssertTrue("\(e)".contains("s.safetensors") && "\(e)".contains("text_vocabulary"), "\(e)")
        }
        var m = model
        var ctx = Context(training: true, rng: Philox(seed: 1))
        XCTAssertThrowsError(
            try clip.losses(
                model: &m, batch: batch(views: 1), progress: TrainingProgress(step: 0, totalSteps: 1, epoch: 0),
                context: &ctx)
        ) { e in
            XCTAssertTrue("\(e)".contains("captions"), "\(e)")
        }
    }
}
