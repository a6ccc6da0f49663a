import XCTest
import Objectives

final class ObjectivesModuleTests: XCTestCase {
    func testModuleLinks() { XCTAssertNotNil(ObjectivesModule.self) }
}
