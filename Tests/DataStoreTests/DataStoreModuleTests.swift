import XCTest
import DataStore

final class DataStoreModuleTests: XCTestCase {
    func testModuleLinks() { XCTAssertNotNil(DataStoreModule.self) }
}
