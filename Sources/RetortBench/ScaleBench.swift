import Backbones
import Cluster
import Foundation
import NN
import Objectives
import Recipes
import Support
import TensorCore

/// Data-parallel cost over MPI on this machine (the MPI issue's bar: the all-reduce adds at most 10 %
/// to a ResNet-18 step). `mpi` launches the measurements; `mpi-worker` is what each rank runs.
///
/// - **Step ratio**: a ResNet-18 (full width, CIFAR stem, 1 × 28 × 28, 10 classes) supervised SGD step
///   at batch 64 per rank, on 2 ranks pinned to one core each (forward, backward, bucketed gradient
///   all-reduce of its 11.2 M gradients, update) against 1 rank on one core at batch 64, in
///   alternating `mpirun` jobs (`--rounds N`, 3); each job times `--steps N` (3) steps after one
///   warm-up and keeps the best. Prints each round's ratio and the median; `--sync-bn` adds the SyncBN
///   variant (per-layer all-reduces of batch statistics in the forward and backward).
/// - **All-reduce sweep**: `MPI_Allreduce` (sum, in place) of 1 KiB … 64 MiB of Float32 on 2 pinned
///   ranks, the median of 9 after 2 warm-ups, as µs and GB/s (`docs/scale-out.md` projects from it).
enum ScaleBench {
    static func run(_ args: [String]) throws {
        let rounds = Int(ZooBench.value(of: "--rounds", in: args) ?? "3") ?? 3
        let steps = ZooBench.value(of: "--steps", in: args) ?? "3"
        let program = CommandLine.arguments[0]
        print("ResNet-18 step, batch 64 per rank, each rank pinned to one core; best of \(steps) steps after one warm-up")
        for sync in args.contains("--sync-bn") ? [false, true] : [false] {
            var ratios: [Double] = []
            for round in 1...rounds {
                let one = try stepSeconds(ranks: 1, program: program, steps: steps, sync: sync)
                let two = try stepSeconds(ranks: 2, program: program, steps: steps, sync: sync)
                ratios.append(two / one)
                print(
                    String(
                        format: "round %d%@: 1 rank %.3f s, 2 ranks %.3f s per step, ratio %.3f", round, sync ? " (SyncBN)" : "", one, two, two / one)
                )
            }
            let median = ratios.sorted()[ratios.count / 2]
            print(String(format: "median 2-rank / 1-rank step time%@: %.3f (bar: at most 1.10)", sync ? " with SyncBN" : "", median))
        }
        print("MPI_Allreduce (sum, Float32, in place) on 2 ranks pinned to one core each:")
        print(try worker(ranks: 2, program: program, arguments: ["--allreduce"]).joined(separator: "\n"))
    }

    /// Rank 0's step time of an `mpirun` job of `ranks` pinned ranks.
    private static func stepSeconds(ranks: Int, program: String, steps: String, sync: Bool) throws -> Double {
        let lines = try worker(ranks: ranks, program: program, arguments: ["--steps", steps] + (sync ? ["--sync-bn"] : []))
        guard let line = lines.first(where: { $0.hasPrefix("step_seconds ") }), let s = Double(line.dropFirst(13)) else {
            throw ClusterError.launch("the \(ranks)-rank bench job printed no step time:\n" + lines.joined(separator: "\n"))
        }
        return s
    }

    /// Runs `program mpi-worker arguments` on `ranks` pinned ranks and returns rank 0's output lines.
    private static func worker(ranks: Int, program: String, arguments: [String]) throws -> [String] {
        var launch = try MPILaunch(ranks: ranks, executable: program, arguments: ["mpi-worker"] + arguments, asRoot: getuid() == 0)
        launch.pinned = true
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["mpirun"] + launch.mpirunArguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ClusterError.launch("mpirun exited with status \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter {
            !$0.hasPrefix("OpenBLAS kernels") && !$0.hasPrefix("==")
        }
    }

    /// What each rank runs (`retort-bench mpi-worker`, under mpirun).
    static func runWorker(_ args: [String]) throws {
        let mpi = try MPICommunicator.start()
        defer { mpi.finish() }
        Threading.setCount(1)
        if args.contains("--allreduce") { return allReduceSweep(mpi) }
        let steps = Int(ZooBench.value(of: "--steps", in: args) ?? "3") ?? 3
        var rng = Philox(seed: 17)
        let model = ResNet<BasicBlock>.cifar18(width: 1, classCount: 10, rng: &rng)
        let batch = 64
        let x = Tensor(shape: [batch, 1, 28, 28], scalars: (0..<(batch * 28 * 28)).map { _ in rng.nextNormal() })
        let b = TrainingBatch(views: [x], labels: IntTensor((0..<batch).map { $0 % 10 }), sampleIDs: (0..<batch).map(UInt64.init))
        var pair = TrainModel(backbone: model, objective: Supervised<ResNet<BasicBlock>>())
        var sgd = SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4)
        let sync = args.contains("--sync-bn")
        var failure: Error?
        let best = ZooBench.best(iterations: steps) {
            do {
                let (_, raw) = try pair.valueAndGradients { m -> (value: Void, roots: [Tensor]) in
                    var context = Context(training: true, rng: Philox(seed: 1), communicator: mpi, syncBatchNorm: sync)
                    let out = try m.objective.losses(
                        model: &m.backbone, batch: b, progress: TrainingProgress(step: 0, totalSteps: 10, epoch: 0), context: &context)
                    return ((), [out.total])
                }
                var gradients = raw
                GradientAllReduce.average(&gradients, over: mpi)
                sgd.step(model: &pair, gradients: gradients[0])
            } catch { failure = error }
        }
        if let failure { throw failure }
        var total = [best]
        mpi.allReduceSum(&total)  // the ranks' best step times, averaged
        if mpi.isWriter { print("step_seconds \(total[0] / Double(mpi.size))") }
    }

    /// Median time of `MPI_Allreduce` over sizes 1 KiB … 64 MiB.
    private static func allReduceSweep(_ mpi: MPICommunicator) {
        var bytes = 1 << 10
        if mpi.isWriter { print("bytes        µs      GB/s") }
        while bytes <= 64 << 20 {
            var buffer = [Float](repeating: 1, count: bytes / 4)
            var times: [Double] = []
            for i in 0..<11 {
                mpi.barrier()
                let t = ZooBench.seconds { mpi.allReduceSum(&buffer) }
                if i >= 2 { times.append(t) }
            }
            let median = times.sorted()[times.count / 2]
            if mpi.isWriter { print(String(format: "%-10d %8.1f %8.2f", bytes, median * 1e6, Double(bytes) / median / 1e9)) }
            bytes *= 4
        }
    }
}
