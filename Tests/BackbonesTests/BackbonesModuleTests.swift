import XCTest
import Backbones

final class BackbonesModuleTests: XCTestCase {
    func testModuleLinks() { XCTAssertNotNil(BackbonesModule.self) }
}
