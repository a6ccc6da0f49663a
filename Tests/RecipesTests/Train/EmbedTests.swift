import DataStore
import Foundation
import NN
import Recipes
import TensorCore
import TestSupport
import XCTest

/// `retort embed`'s path (CheckpointModel + FeatureExtractor) on a torchvision-named checkpoint
/// without a recipe reproduces PyTorch's features and logits (Tests/Fixtures/make_embed_fixture.py).
final class EmbedTests: XCTestCase {
    func testTorchvisionCheckpointReproducesPyTorchOutputs() throws {
        let io = try SafeTensors.read(from: Fixtures.url("recipes/embed_io.safetensors"))
        let pixels = io.tensors["pixels"]!.scalars.map { UInt8($0) }
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let store = tmp.url.appendingPathComponent("s.rstore").path
        let schema = StoreSchema(fields: [FieldSpec(name: "image", kind: .image, imageCodec: .raw)], hasLabels: true)
        _ = try StoreWriter.write(to: store, schema: schema) { w in
            for i in 0..<3 {
                let img = RawImage(height: 16, width: 16, channels: 3, pixels: Array(pixels[(i * 768)..<((i + 1) * 768)]))
                try w.append(StoreSample(id: UInt64(i), label: Int32(i), values: [.image(img)]))
            }
        }
        let model = ModelOptions(backbone: "resnet18", stem: .cifar, width: 0.125, inChannels: 3, classes: 10)
        let loaded = try CheckpointModel.load(Fixtures.url("nn/resnet18_cifar_w0125.safetensors"), model: model)
        let e = try FeatureExtractor.extract(
            loaded.backbone, storePath: store, mean: io.tensors["mean"]!.scalars,
            std: io.tensors["std"]!.scalars, channels: 3, withLogits: true)
        XCTAssertEqual(e.sampleIDs, [0, 1, 2])
        for (name, got) in [("features", e.features), ("logits", e.logits!)] {
            assertClose(got, io.tensors[name]!, atol: 1e-4, rtol: 1e-4, name)
        }
    }
}
