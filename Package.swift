// swift-tools-version:6.0
// Retort: self-supervised learning and knowledge distillation for vision models, in Swift.
import PackageDescription

/// Hot numeric code is compiled with full optimisation even in debug builds of the package.
let fast: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "Retort",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "retort", targets: ["RetortCLI"]),
        .executable(name: "retort-bench", targets: ["RetortBench"]),
        .library(name: "Retort", targets: ["Recipes"]),
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
        // DataStore C helpers: region-of-interest JPEG decoding through libjpeg (C owns libjpeg's setjmp/longjmp
        // error handling) and the per-pixel colour kernels with a runtime AVX2 path (see Sources/CDataStore).
        .target(name: "CDataStore", dependencies: ["CJPEG"], cSettings: [.unsafeFlags(["-O2", "-ffp-contract=off"])]),

        // Engine.
        .target(name: "Kernels", dependencies: ["COpenBLAS"], swiftSettings: fast),
        .target(name: "TensorCore", dependencies: ["Kernels"], swiftSettings: fast),
        .target(name: "NN", dependencies: ["TensorCore"], swiftSettings: fast),
        .target(name: "Backbones", dependencies: ["NN"], swiftSettings: fast),
        .target(name: "Objectives", dependencies: ["NN", "Backbones"], swiftSettings: fast),
        .target(name: "DataStore", dependencies: ["Kernels", "CZstd", "CTurboJPEG", "CPNG", "CDataStore"], exclude: ["FORMAT.md"], swiftSettings: fast),
        .target(name: "Recipes", dependencies: [
            "NN", "Backbones", "Objectives", "DataStore", .product(name: "Yams", package: "Yams"),
        ], swiftSettings: fast),
        .executableTarget(name: "RetortCLI", dependencies: [
            "Recipes", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: fast),
        .executableTarget(name: "RetortBench", dependencies: ["Recipes", "DataStore", "TensorCore"], swiftSettings: fast),

        // Tests mirror Sources/.
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"], swiftSettings: fast),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"], swiftSettings: fast),
        .testTarget(name: "NNTests", dependencies: ["NN"], swiftSettings: fast),
        .testTarget(name: "BackbonesTests", dependencies: ["Backbones"], swiftSettings: fast),
        .testTarget(name: "ObjectivesTests", dependencies: ["Objectives"], swiftSettings: fast),
        .testTarget(name: "DataStoreTests", dependencies: ["DataStore"], swiftSettings: fast),
        .testTarget(name: "RecipesTests", dependencies: ["Recipes"], swiftSettings: fast),
        // Runs the built `retort` binary (argument handling, exit codes, messages).
        .testTarget(name: "RetortCLITests", swiftSettings: fast),
    ],
    swiftLanguageModes: [.v6]
)
