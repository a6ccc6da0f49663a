import Recipes
import XCTest

final class ViewOptionsTests: XCTestCase {
    func testPadCropDecodesAndExcludesRandomResizedCrop() throws {
        let ok = try RecipeLoader().load(
            yaml: """
                data: {train: t, views: [{pad_crop: 4, flip: 0.5}]}
                model: {backbone: resnet18}
                objective: {name: supervised}
                """)
        XCTAssertEqual(ok.data.views[0].padCrop, 4)
        XCTAssertNil(ok.data.views[0].crop)
        XCTAssertEqual(try RecipeLoader().load(yaml: try ok.yamlString()), ok, "round-trips through the resolved YAML")
        XCTAssertThrowsError(
            try RecipeLoader().load(
                yaml: """
                    data: {train: t, views: [{pad_crop: 4, crop: {size: 28}}]}
                    model: {backbone: resnet18}
                    objective: {name: supervised}
                    """, file: "r.yaml")
        ) { e in
            let text = String(describing: e)
            XCTAssertTrue(text.contains("pad_crop") && text.contains("r.yaml"), text)
        }
        XCTAssertThrowsError(
            try RecipeLoader().load(
                yaml: """
                    data: {train: t, views: [{pad_crop: 0}]}
                    model: {backbone: resnet18}
                    objective: {name: supervised}
                    """))
    }
}
