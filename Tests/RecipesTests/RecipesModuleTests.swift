import XCTest
import Recipes

final class RecipesModuleTests: XCTestCase {
    func testModuleLinks() { XCTAssertNotNil(RecipesModule.self) }
}
