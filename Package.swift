// swift-tools-version:6.0
// Retort: self-supervised learning and knowledge distillation for vision models, in Swift.
import PackageDescription

// No unsafe flags anywhere: SwiftPM refuses them in a versioned dependency, and Retort is a library
// others depend on (Tests/Consumer builds against a tagged copy). Numeric code wants release builds:
// `make build`/`make test` use `-c release`. The C kernels' floating-point contraction is switched
// off by a pragma in each file (the colour tests compare bit for bit).
let package = Package(
    name: "Retort",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "retort", targets: ["RetortCLI"]),
        .executable(name: "retort-bench", targets: ["RetortBench"]),
        .library(name: "Retort", targets: [
            "Support", "TensorCore", "NN", "Backbones", "Objectives", "DataStore", "Plot", "Recipes", "Cluster",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
    ],
    targets: [
        // System libraries (Debian -dev packages, found through pkg-config).
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        // Open MPI (pkg-config name `ompi-c`), for data-parallel runs (`mpirun -np N retort train`).
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        // DataStore C helpers: region-of-interest JPEG decoding through libjpeg (C owns libjpeg's setjmp/longjmp
        // error handling) and the per-pixel colour kernels with a runtime AVX2 path (see Sources/CDataStore).
        .target(name: "CDataStore", dependencies: ["CJPEG"]),

        // Engine. Each list names exactly the modules the target's files import (`make lint` checks it).
        // Support: `require`, the Philox counter RNG and `parallelFor`; it depends on nothing, so every
        // layer (DataStore included) can use them without importing the kernels.
        .target(name: "Support"),
        .target(name: "Kernels", dependencies: ["Support", "COpenBLAS", "CKernels"]),
        // C kernels (Winograd transforms, the row-panel and small GEMMs, GELU, layer norm) with AVX2/AVX-512 builds chosen
        // at run time.
        .target(name: "CKernels"),
        .target(name: "TensorCore", dependencies: ["Support", "Kernels"]),
        .target(name: "NN", dependencies: ["Support", "TensorCore"]),
        .target(name: "Backbones", dependencies: ["Support", "TensorCore", "NN"]),
        .target(name: "Objectives", dependencies: ["Support", "TensorCore", "NN", "Backbones"]),
        .target(name: "DataStore", dependencies: ["Support", "CZstd", "CTurboJPEG", "CPNG", "CDataStore"], exclude: ["FORMAT.md"]),
        // Cluster: the MPI communicator (Support's `Communicator` over MPI_COMM_WORLD) and `--ranks` launching.
        .target(name: "Cluster", dependencies: ["Support", "CMPI"]),
        // SVG line charts and scatter plots as plain text (no dependencies).
        .target(name: "Plot"),
        .target(name: "Recipes", dependencies: [
            "Support", "TensorCore", "NN", "Backbones", "Objectives", "DataStore", "Plot", .product(name: "Yams", package: "Yams"),
        ]),
        // The executables still import Kernels for process start-up settings (MemoryPolicy, OpenBLAS
        // spinning and core name) and, in the benchmarks, raw kernels (.lint/kernels-import-allowlist.txt).
        .executableTarget(name: "RetortCLI", dependencies: [
            "Support", "Kernels", "TensorCore", "NN", "Backbones", "Objectives", "DataStore", "Plot", "Recipes", "Cluster",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "RetortBench", dependencies: [
            "Support", "Kernels", "TensorCore", "NN", "Backbones", "Objectives", "DataStore", "Recipes", "Cluster",
        ]),

        // Tests mirror Sources/. TestSupport holds what several test targets share: the finite-difference
        // gradient assertion, closeness checks, fixture paths, temporary directories (Tests/README.md).
        .target(name: "TestSupport", dependencies: ["Support", "TensorCore", "NN"], path: "Tests/TestSupport"),
        .testTarget(name: "TestSupportTests", dependencies: ["TensorCore", "TestSupport"]),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster"]),
        .testTarget(name: "KernelsTests", dependencies: ["Support", "Kernels", "TestSupport"]),
        .testTarget(name: "TensorCoreTests", dependencies: ["Support", "Kernels", "TensorCore", "TestSupport"]),
        .testTarget(name: "NNTests", dependencies: ["Support", "TensorCore", "NN", "TestSupport"]),
        .testTarget(name: "BackbonesTests", dependencies: [
            "Support", "TensorCore", "NN", "Backbones", "TestSupport",
        ]),
        .testTarget(name: "ObjectivesTests", dependencies: [
            "Support", "TensorCore", "NN", "Backbones", "Objectives", "TestSupport",
        ]),
        .testTarget(name: "DataStoreTests", dependencies: [
            "Support", "DataStore", "CDataStore", "CTurboJPEG", "CZstd", "TestSupport",
        ]),
        .testTarget(name: "RecipesTests", dependencies: [
            "Support", "TensorCore", "NN", "Backbones", "Objectives", "DataStore", "Plot", "Recipes", "TestSupport",
        ]),
        // Data-parallel checks: runs `mpirun -np 2` on its own test binary (MPIWorkerTests as the ranks).
        .testTarget(name: "DistributedTests", dependencies: [
            "Support", "TensorCore", "NN", "Backbones", "Objectives", "Recipes", "Cluster", "TestSupport",
        ]),
        // Runs the built `retort` binary (argument handling, exit codes, messages).
        .testTarget(name: "RetortCLITests", dependencies: ["TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
