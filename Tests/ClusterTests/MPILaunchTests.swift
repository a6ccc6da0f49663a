import Cluster
import XCTest

final class MPILaunchTests: XCTestCase {
    func testMpirunArgumentsStartTheSameCommandOnEveryRank() throws {
        var launch = try MPILaunch(ranks: 3, executable: "/x/retort", arguments: ["train", "r.yaml"], asRoot: true)
        XCTAssertEqual(
            launch.mpirunArguments,
            ["-np", "3", "--oversubscribe", "--mca", "btl", "self,vader", "--bind-to", "none", "--allow-run-as-root", "/x/retort", "train", "r.yaml"])
        launch.pinned = true
        launch.asRoot = false
        XCTAssertEqual(
            launch.mpirunArguments,
            ["-np", "3", "--oversubscribe", "--mca", "btl", "self,vader", "--bind-to", "core", "/x/retort", "train", "r.yaml"])
    }

    func testRanksAreRemovedInBothSpellings() {
        XCTAssertEqual(
            MPILaunch.removingRanks(from: ["train", "--ranks", "2", "a.yaml", "--ranks=4", "--set", "x=1"]), ["train", "a.yaml", "--set", "x=1"])
    }

    func testZeroRanksAndAMissingMpirunAreNamedErrors() throws {
        XCTAssertThrowsError(try MPILaunch(ranks: 0, executable: "r", arguments: [], asRoot: false)) { error in
            XCTAssertTrue("\(error)".contains("at least 1"), "\(error)")
        }
        let launch = try MPILaunch(ranks: 2, executable: "r", arguments: [], asRoot: false)
        XCTAssertThrowsError(try launch.run(searchPath: "/nonexistent")) { error in
            XCTAssertTrue("\(error)".contains("mpirun was not found"), "\(error)")
        }
    }
}
