import XCTest
import NN

final class NNModuleTests: XCTestCase {
    func testModuleLinks() { XCTAssertNotNil(NNModule.self) }
}
