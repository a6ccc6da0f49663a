import Recipes
import XCTest

final class RecipeStepsTests: XCTestCase {
    func testEpochSettingsBecomeSteps() throws {
        let r = try RecipeLoader().load(
            yaml: """
                data: {train: t, batch_size: 100}
                model: {backbone: resnet18}
                objective: {name: supervised}
                schedule: {name: step, warmup_epochs: 0.5, milestones: [3, 6]}
                train: {epochs: 10, max_steps: 4000}
                """)
        let spe = r.data.stepsPerEpoch(sampleCount: 60_050)
        XCTAssertEqual(spe, 600)
        XCTAssertEqual(r.schedule.warmupSteps(stepsPerEpoch: spe), 300)
        XCTAssertEqual(r.schedule.milestoneSteps(stepsPerEpoch: spe), [1800, 3600])
        XCTAssertEqual(r.train.totalSteps(stepsPerEpoch: spe), 4000)
        var keepLast = r.data
        keepLast.dropLast = false
        XCTAssertEqual(keepLast.stepsPerEpoch(sampleCount: 60_050), 601)
        var noCap = r.train
        noCap.maxSteps = nil
        XCTAssertEqual(noCap.totalSteps(stepsPerEpoch: spe), 6000)
        XCTAssertEqual(ScheduleOptions().warmupSteps(stepsPerEpoch: spe), 0)
    }
}
