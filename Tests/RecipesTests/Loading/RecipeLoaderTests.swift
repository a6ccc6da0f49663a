import Foundation
import Recipes
import TestSupport
import XCTest

final class RecipeLoaderTests: XCTestCase {
    let minimal = """
        data:
          train: data/train.rstore
        model:
          backbone: resnet18
        objective:
          name: supervised
        """

    func load(_ yaml: String, overrides: [String] = []) throws -> Recipe {
        try RecipeLoader().load(yaml: yaml, file: "recipes/x.yaml", overrides: overrides)
    }

    func error(_ yaml: String, overrides: [String] = [], file: StaticString = #filePath, line: UInt = #line) -> RecipeError? {
        do {
            _ = try load(yaml, overrides: overrides)
            XCTFail("expected a RecipeError", file: file, line: line)
        } catch let e as RecipeError {
            return e
        } catch {
            XCTFail("expected a RecipeError, got \(error)", file: file, line: line)
        }
        return nil
    }

    func withViews(_ views: String) -> String {
        minimal.replacingOccurrences(of: "train: data/train.rstore", with: "train: t\n  views: \(views)")
    }

    func testMinimalRecipeGetsDefaults() throws {
        let r = try load(minimal)
        XCTAssertEqual(r.data.train, "data/train.rstore")
        XCTAssertEqual(r.data.batchSize, 256)
        XCTAssertEqual(r.data.viewCount, 1)
        XCTAssertEqual(r.model.backbone, "resnet18")
        XCTAssertEqual(r.objective, ObjectiveChoice(SupervisedOptions()))
        XCTAssertEqual(r.optimizer.name, .sgd)
        XCTAssertEqual(r.schedule.name, .cosine)
        XCTAssertEqual(r.eval.knnK, 200)
    }

    func testMalformedYAMLNamesFileAndLine() {
        let e = error("data:\n  train: [a, b\nmodel: {\n")
        XCTAssertEqual(e?.kind, .malformedYAML)
        XCTAssertEqual(e?.location?.file, "recipes/x.yaml")
        XCTAssertNotNil(e?.location?.line)
        XCTAssertTrue(e?.description.contains("recipes/x.yaml:") ?? false, e?.description ?? "")
    }

    func testUnknownTopLevelKeySuggestsClosest() {
        let e = error(minimal + "\noptimiser:\n  lr: 0.1\n")
        XCTAssertEqual(e?.kind, .unknownKey)
        XCTAssertEqual(e?.suggestion, "optimizer")
        XCTAssertEqual(e?.location?.line, 7)
        XCTAssertEqual(e?.description, "unknown key 'optimiser' at recipes/x.yaml:7 (optimiser); did you mean 'optimizer'?")
    }

    func testUnknownNestedKeyHasPathAndSuggestion() {
        let e = error(minimal + "\noptimizer:\n  name: sgd\n  weight_decy: 0.1\n")
        XCTAssertEqual(e?.kind, .unknownKey)
        XCTAssertEqual(e?.keyPath, "optimizer.weight_decy")
        XCTAssertEqual(e?.suggestion, "weight_decay")
        XCTAssertEqual(e?.location?.line, 9)
    }

    func testUnknownKeyInsideListElement() {
        let e = error(
            minimal.replacingOccurrences(
                of: "  train: data/train.rstore",
                with: "  train: t\n  views:\n    - flip: 0.5\n    - flipp: 0.5"))
        XCTAssertEqual(e?.keyPath, "data.views.1.flipp")
        XCTAssertEqual(e?.suggestion, "flip")
        XCTAssertEqual(e?.location?.line, 5)
    }

    func testWrongTypeNamesExpectedType() {
        let e = error(minimal + "\noptimizer:\n  lr: fast\n")
        XCTAssertEqual(e?.kind, .wrongType)
        XCTAssertEqual(e?.keyPath, "optimizer.lr")
        XCTAssertEqual(e?.location?.line, 8)
        XCTAssertTrue(e?.description.contains("expected a number") ?? false, e?.description ?? "")
        let quoted = error(minimal + "\ntrain:\n  epochs: \"3\"\n")
        XCTAssertEqual(quoted?.kind, .wrongType)
        let mapping = error(minimal + "\ntrain: 3\n")
        XCTAssertEqual(mapping?.kind, .wrongType)
        XCTAssertEqual(mapping?.keyPath, "train")
    }

    func testBadValues() {
        let lr = error(minimal + "\noptimizer:\n  lr: -0.1\n")
        XCTAssertEqual(lr?.kind, .invalidValue)
        XCTAssertEqual(lr?.keyPath, "optimizer.lr")
        XCTAssertEqual(lr?.location?.line, 8)
        let name = error(minimal + "\noptimizer:\n  name: adamm\n")
        XCTAssertEqual(name?.kind, .invalidValue)
        XCTAssertEqual(name?.suggestion, "adamw")
        XCTAssertEqual(name?.keyPath, "optimizer.name")
        let objective = error(minimal.replacingOccurrences(of: "name: supervised", with: "name: byl"))
        XCTAssertEqual(objective?.suggestion, "byol")
        XCTAssertEqual(objective?.location?.line, 6)
        let flip = error(withViews("[{flip: 1.5}]"))
        XCTAssertEqual(flip?.keyPath, "data.views.0.flip")
        let scale = error(withViews("[{crop: {size: 28, scale: [0.9, 0.5]}}]"))
        XCTAssertEqual(scale?.keyPath, "data.views.0.crop.scale")
    }

    func testMissingRequiredKey() {
        let e = error("data:\n  train: t\nobjective:\n  name: supervised\n")
        XCTAssertEqual(e?.kind, .missingKey)
        XCTAssertEqual(e?.keyPath, "model")
        // Every section's required keys: absent or null is a missing key at its path, not a default.
        let cases = [
            ("backbone: resnet18", "stem: cifar", "model.backbone"),
            ("backbone: resnet18", "backbone: null", "model.backbone"),
            ("train: data/train.rstore", "batch_size: 8", "data.train"),
            ("train: data/train.rstore", "train: t\n  views: [{crop: {scale: [0.5, 1]}}]", "data.views.0.crop.size"),
            ("train: data/train.rstore", "train: t\n  normalize: {mean: [0.5]}", "data.normalize.std"),
            ("train: data/train.rstore", "train: t\n  extra: {fraction: 0.5}", "data.extra.store"),
        ]
        for (old, new, path) in cases {
            let missing = error(minimal.replacingOccurrences(of: old, with: new))
            XCTAssertEqual(missing?.kind, .missingKey, path)
            XCTAssertEqual(missing?.keyPath, path)
        }
        let teacher = error(
            minimal.replacingOccurrences(of: "name: supervised", with: "name: kd\n  kd:\n    teachers: [{model: {backbone: resnet18}}]"))
        XCTAssertEqual(teacher?.kind, .missingKey)
        XCTAssertEqual(teacher?.keyPath, "objective.kd.teachers.0.checkpoint")
    }

    func testDuplicateKeyIsAnError() {
        let e = error(minimal + "\ntrain:\n  epochs: 1\n  epochs: 2\n")
        XCTAssertEqual(e?.kind, .duplicateKey)
        XCTAssertEqual(e?.location?.line, 9)
    }

    func testObjectiveOptionsMustMatchName() throws {
        let byol = try load(
            minimal.replacingOccurrences(of: "name: supervised", with: "name: byol\n  byol:\n    tau_base: 0.99")
                .replacingOccurrences(of: "train: data/train.rstore", with: "train: t\n  views: [{count: 2}]"))
        guard let options = byol.objective.options(as: BYOLOptions.self) else { return XCTFail("expected byol") }
        XCTAssertEqual(options.tauBase, 0.99)
        XCTAssertEqual(options.projectorOut, 256)
        let mismatch = error(minimal.replacingOccurrences(of: "name: supervised", with: "name: supervised\n  byol:\n    tau_base: 0.99"))
        XCTAssertEqual(mismatch?.keyPath, "objective.byol")
        let oneView = error(minimal.replacingOccurrences(of: "name: supervised", with: "name: byol"))
        XCTAssertEqual(oneView?.keyPath, "data.views")
        let kd = error(minimal.replacingOccurrences(of: "name: supervised", with: "name: kd"))
        XCTAssertEqual(kd?.kind, .missingKey)
        XCTAssertEqual(kd?.keyPath, "objective.kd.teachers", "an absent section is an empty one: the required key is named")
    }

    func testOverridesApplyAndValidatePaths() throws {
        let r = try load(
            minimal,
            overrides: [
                "optimizer.lr=0.5", "data.views=[{count: 2, flip: 0.5}]",
                "schedule.milestones=[3, 6]", "objective.supervised.label_smoothing=0.1",
            ])
        XCTAssertEqual(r.optimizer.lr, 0.5)
        XCTAssertEqual(r.data.viewCount, 2)
        XCTAssertEqual(r.schedule.milestones, [3, 6])
        XCTAssertEqual(r.objective, ObjectiveChoice(SupervisedOptions(labelSmoothing: 0.1)))
        let typo = error(minimal, overrides: ["optimizer.lrr=0.5"])
        XCTAssertEqual(typo?.kind, .unknownKey)
        XCTAssertEqual(typo?.suggestion, "lr")
        XCTAssertEqual(typo?.location?.file, "--set 'optimizer.lrr=0.5'")
        let bad = error(minimal, overrides: ["optimizer.lr=-1"])
        XCTAssertEqual(bad?.kind, .invalidValue)
        XCTAssertTrue(bad?.description.contains("--set 'optimizer.lr=-1'") ?? false, bad?.description ?? "")
        let malformed = error(minimal, overrides: ["optimizer.lr"])
        XCTAssertEqual(malformed?.kind, .invalidOverride)
        let intoScalar = error(minimal, overrides: ["model.backbone.depth=3"])
        XCTAssertEqual(intoScalar?.kind, .invalidOverride)
    }

    func testOverridesReachListElementsAndWholeSections() throws {
        let r = try load(
            withViews("[{flip: 0.5}, {flip: 0.5, solarize: 0.2}]").replacingOccurrences(of: "name: supervised", with: "name: byol"),
            overrides: ["data.views.1.solarize=0", "optimizer={name: adamw, lr: 0.001}", "train.max_steps=null"])
        XCTAssertEqual(r.data.views[1].solarize, 0)
        XCTAssertEqual(r.data.views[0].flip, 0.5)
        XCTAssertEqual(r.optimizer.name, .adamw)
        XCTAssertEqual(r.optimizer.lr, 0.001)
        XCTAssertNil(r.train.maxSteps)
        let outOfRange = error(withViews("[{flip: 0.5}]"), overrides: ["data.views.3.flip=0"])
        XCTAssertEqual(outOfRange?.kind, .invalidOverride)
    }

    func testBaseInheritanceDeepMergesWithChildWinning() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write(minimal + "\noptimizer:\n  name: sgd\n  lr: 0.1\n  momentum: 0.8\n", to: "common/base.yaml")
        try dir.write("base: ../common/base.yaml\noptimizer:\n  lr: 0.3\ntrain:\n  epochs: 5\n", to: "family/mid.yaml")
        let leaf = try dir.write("base: mid.yaml\ntrain:\n  seed: 7\n", to: "family/leaf.yaml")
        let r = try RecipeLoader().load(contentsOf: leaf)
        XCTAssertEqual(r.optimizer.lr, 0.3)
        XCTAssertEqual(r.optimizer.momentum, 0.8)
        XCTAssertEqual(r.train.epochs, 5)
        XCTAssertEqual(r.train.seed, 7)
        XCTAssertEqual(r.model.backbone, "resnet18")
        // Errors in a base file name that file.
        try dir.write(minimal + "\noptimizer:\n  lr: -1\n", to: "common/bad.yaml")
        let child = try dir.write("base: ../common/bad.yaml\n", to: "family/child.yaml")
        XCTAssertThrowsError(try RecipeLoader().load(contentsOf: child)) { error in
            let e = error as? RecipeError
            XCTAssertTrue(e?.location?.file.hasSuffix("common/bad.yaml") ?? false, "\(error)")
            XCTAssertEqual(e?.location?.line, 8)
        }
    }

    func testBaseCycleIsDetected() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("base: b.yaml\n" + minimal, to: "a.yaml")
        try dir.write("base: a.yaml\n", to: "b.yaml")
        XCTAssertThrowsError(try RecipeLoader().load(contentsOf: dir.url.appendingPathComponent("a.yaml"))) { error in
            XCTAssertEqual((error as? RecipeError)?.kind, .baseCycle)
            XCTAssertTrue("\(error)".contains("a.yaml -> b.yaml -> a.yaml"), "\(error)")
        }
        try dir.write("base: missing.yaml\n", to: "c.yaml")
        XCTAssertThrowsError(try RecipeLoader().load(contentsOf: dir.url.appendingPathComponent("c.yaml"))) { error in
            XCTAssertEqual((error as? RecipeError)?.kind, .unreadableFile)
            XCTAssertEqual((error as? RecipeError)?.location?.line, 1)
        }
    }

    func testAbsoluteAndRelativeBasesBothResolve() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let base = try dir.write(minimal + "\noptimizer:\n  name: sgd\n  lr: 0.1\n", to: "common/base.yaml")
        // Absolute base, from a recipe in another folder (it used to be joined onto that folder).
        let abs = try dir.write("base: \(base.path)\ntrain:\n  epochs: 4\n", to: "family/abs.yaml")
        let a = try RecipeLoader().load(contentsOf: abs)
        XCTAssertEqual(a.optimizer.lr, 0.1)
        XCTAssertEqual(a.train.epochs, 4)
        // Relative base, resolved against the including recipe's folder.
        let rel = try dir.write("base: ../common/base.yaml\ntrain:\n  epochs: 6\n", to: "family/rel.yaml")
        let r = try RecipeLoader().load(contentsOf: rel)
        XCTAssertEqual(r.optimizer.lr, 0.1)
        XCTAssertEqual(r.train.epochs, 6)
        // An absolute base inherited through a relative one, and from text with a base directory.
        try dir.write("base: rel.yaml\ntrain:\n  seed: 3\n", to: "family/leaf.yaml")
        let leaf = try RecipeLoader().load(contentsOf: dir.url.appendingPathComponent("family/leaf.yaml"))
        XCTAssertEqual(leaf.train.seed, 3)
        XCTAssertEqual(leaf.train.epochs, 6)
        let text = try RecipeLoader().load(yaml: "base: \(base.path)\n", file: "x.yaml", baseDirectory: dir.url.appendingPathComponent("family"))
        XCTAssertEqual(text.optimizer.lr, 0.1)
    }

    func testMissingBaseErrorNamesThePathTried() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // Absolute: the message names exactly that path, nothing joined onto the recipe's folder.
        let missing = dir.url.appendingPathComponent("nowhere/base.yaml").path
        let abs = try dir.write("base: \(missing)\n", to: "family/abs.yaml")
        XCTAssertThrowsError(try RecipeLoader().load(contentsOf: abs)) { error in
            let e = error as? RecipeError
            XCTAssertEqual(e?.kind, .unreadableFile)
            XCTAssertEqual(e?.location?.line, 1)
            XCTAssertTrue("\(error)".contains("base recipe '\(missing)' does not exist"), "\(error)")
            XCTAssertFalse("\(error)".contains("family/nowhere") || "\(error)".contains("family//"), "\(error)")
        }
        // Relative, from a recipe file: resolved against its folder; the message names the resolved path.
        let tried = dir.url.appendingPathComponent("common/none.yaml").standardizedFileURL.path
        let rel = try dir.write("base: ../common/none.yaml\n", to: "family/rel.yaml")
        XCTAssertThrowsError(try RecipeLoader().load(contentsOf: rel)) { error in
            XCTAssertEqual((error as? RecipeError)?.kind, .unreadableFile)
            XCTAssertTrue("\(error)".contains("base recipe '\(tried)' does not exist"), "\(error)")
        }
        // Relative, from text with a base directory: the path as written plus the absolute path looked for.
        XCTAssertThrowsError(
            try RecipeLoader().load(
                yaml: "base: ../common/none.yaml\n", file: "x.yaml",
                baseDirectory: dir.url.appendingPathComponent("family"))
        ) { error in
            XCTAssertEqual((error as? RecipeError)?.kind, .unreadableFile)
            XCTAssertTrue("\(error)".contains("base recipe '../common/none.yaml' does not exist (looked for \(tried))"), "\(error)")
        }
    }

    func testResolvedYAMLRoundTrips() throws {
        var r = try load(minimal)
        r.description = "round: trip \"quoted\" # not a comment\n- second line\tand a tab"
        r.data.test = "true"
        r.model.backbone = "1e3"
        r.data.train = "- x"
        r.data.views = [ViewOptions(), ViewOptions()]
        r.data.views[0].crop = CropOptions(size: 28, scale: RangePair(0.5, 1))
        r.data.views[0].colorJitter = ColorJitterOptions()
        r.data.views[1].blur = BlurOptions(probability: 0.1)
        r.model.inChannels = 1
        r.data.normalize = NormalizeOptions(mean: [0.2860], std: [0.3530])
        r.objective = ObjectiveChoice(BYOLOptions())
        r.optimizer.lr = 1e-6
        r.optimizer.clipGradNorm = 3
        r.schedule.warmupEpochs = 0.5
        r.train.maxSteps = 10
        let yaml = try r.yamlString()
        let back = try RecipeLoader().load(yaml: yaml, file: "resolved.yaml")
        XCTAssertEqual(back, r, yaml)
        for odd in ["null", "", "yes", "~", ".inf", "-", "a: b", "[x]", "@at", "  padded ", "ünï"] {
            r.data.train = odd.isEmpty ? "x" : odd
            r.description = odd
            XCTAssertEqual(try RecipeLoader().load(yaml: try r.yamlString()), r, "'\(odd)'")
        }
        r.description = nil
        r.data.train = "- x"
        XCTAssertEqual(try back.yamlString(), yaml)

        let kd = try load(
            minimal.replacingOccurrences(
                of: "name: supervised",
                with: """
                    name: kd
                      kd:
                        teachers:
                          - checkpoint: runs/t/checkpoints/best.safetensors
                            model: {backbone: resnet34}
                            normalize: {mean: [0.5, 0.4, 0.3], std: [0.25, 0.25, 0.2]}
                    """))
        XCTAssertEqual(try RecipeLoader().load(yaml: try kd.yamlString()), kd)
    }

    func testKnownBackbonesAreChecked() {
        XCTAssertThrowsError(
            try RecipeLoader(backboneNames: ["resnet18", "resnet34"]).load(
                yaml: minimal.replacingOccurrences(of: "resnet18", with: "resnet81"), file: "x.yaml")
        ) { error in
            XCTAssertEqual((error as? RecipeError)?.suggestion, "resnet18")
            XCTAssertEqual((error as? RecipeError)?.location?.line, 4)
        }
    }
}
