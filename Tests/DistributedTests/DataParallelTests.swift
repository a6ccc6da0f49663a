import Cluster
import Foundation
import TestSupport
import XCTest

/// Data-parallel training over MPI on one machine: `mpirun -np 2` runs `MPIWorkerTests` (this test
/// binary, one test per job), whose ranks check their averaged gradients and updated weights against
/// the single-process step on the whole batch: a SyncBN network, Hinton KD, SimCLR, SwAV and CLIP; and
/// SeLa's dataset pass split over the ranks against one process's.
final class DataParallelTests: XCTestCase {
    func testSyncBatchNormGradientsEqualTheWholeBatchs() throws { try runWorker("testSyncBatchNormNetwork") }
    func testAllGatherAndSyncBatchNormPassFiniteDifferenceChecks() throws { try runWorker("testAllGatherAndSyncBatchNormMatchFiniteDifferences") }
    func testSeLaDatasetPassSplitOverRanksEqualsOneProcesss() throws { try runWorker("testSeLaSplitDatasetPass") }
    func testHintonKDEqualsTheWholeBatch() throws { try runWorker("testHintonKD") }
    func testSimCLRWithGatheredNegativesEqualsTheWholeBatch() throws { try runWorker("testSimCLRGatheredNegatives") }
    func testSwAVWithTheGlobalSinkhornEqualsTheWholeBatch() throws { try runWorker("testSwAVGlobalSinkhorn") }
    func testSwAVAtReferenceTemperaturesEqualsTheWholeBatchToRounding() throws { try runWorker("testSwAVGlobalSinkhornAtReferenceTemperatures") }
    func testCLIPWithGatheredLogitsEqualsTheWholeBatch() throws { try runWorker("testCLIPGatheredLogits") }

    /// Runs `MPIWorkerTests/<test>` on 2 ranks; fails with the job's output unless every rank passes.
    private func runWorker(_ test: String) throws {
        // The same mpirun command line as `retort train --ranks 2`.
        let launch = try MPILaunch(
            ranks: 2, executable: CommandLine.arguments[0], arguments: ["DistributedTests.MPIWorkerTests/\(test)"], asRoot: getuid() == 0)
        let (status, text) = try RetortProcess.launch(
            URL(fileURLWithPath: "/usr/bin/env"), ["mpirun"] + launch.mpirunArguments,
            environment: ["RETORT_MPI_WORKER": "1", "OMP_NUM_THREADS": "1"])
        XCTAssertEqual(status, 0, "mpirun -np 2 \(test) failed:\n\(text)")
        XCTAssertTrue(text.contains("Executed 1 test, with 0 failures"), "each rank ran the test:\n\(text)")
        for line in text.split(separator: "\n") where line.hasPrefix("rank ") { print("\(test) \(line)") }
    }
}
