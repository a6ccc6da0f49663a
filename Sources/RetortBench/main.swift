// retort-bench: measured performance, printed as ratios against baselines from the same run.
// Usage: retort-bench [SUITE...]; each suite lives in its own file and registers here.
import Foundation
import Kernels

/// The benchmark suites by name.
let suites: [(name: String, run: ([String]) throws -> Void)] = [
    ("engine", EngineBench.run),
    ("zoo", ZooBench.run),
    ("store", StoreBench.run),
    ("ssl", SSLBench.run),
    ("clip", CLIPBench.run),
    ("text-ops", TextOpsBench.run),
    ("pixpro", PixProBench.run),
    ("kd", KDBench.run),
    ("mpi", ScaleBench.run),
    // What each rank of `mpi`'s jobs runs (under mpirun; not part of a plain `retort-bench`).
    ("mpi-worker", ScaleBench.runWorker),
]

// The same allocator policy as the `retort` executable (docs/performance.md): freed activations are reused.
MemoryPolicy.retainFreedBlocks()
// Every ratio depends on the GEMM kernels: name them, and say when the environment forces a core.
let forcedCore = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
print(
    "OpenBLAS kernels: \(BLAS.coreName)"
        + (forcedCore.map { " (forced by OPENBLAS_CORETYPE=\($0); `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` lets OpenBLAS choose)" }
            ?? " (OpenBLAS's own CPU detection)"))
// --isa avx2|baseline: cap the C kernels' instruction set (with OPENBLAS_CORETYPE=Zen, an AVX2-only machine's
// choices on an AVX-512 one; Benchmarks/compare.py --emulate-avx2).
if let i = CommandLine.arguments.firstIndex(of: "--isa") {
    guard i + 1 < CommandLine.arguments.count,
        let isa = InstructionSet.allCases.first(where: { $0.description == CommandLine.arguments[i + 1] })
    else {
        print("error: --isa takes one of \(InstructionSet.allCases.map(\.description).joined(separator: ", "))")
        exit(2)
    }
    InstructionSet.limit(to: isa)
}
print("C kernels: \(InstructionSet.current)")
if !CommandLine.arguments.contains("--blas-spin") { BLAS.limitIdleSpinning() }  // --blas-spin: OpenBLAS's default, for comparison

let args = Array(CommandLine.arguments.dropFirst())
let wanted = args.filter { !$0.hasPrefix("-") }
if wanted.contains("list") {
    for s in suites { print(s.name) }
    exit(0)
}
for s in suites where wanted.isEmpty ? s.name != "mpi-worker" : wanted.contains(s.name) {
    print("== \(s.name) ==")
    do { try s.run(args) } catch {
        print("error: \(error)")
        exit(1)
    }
}
