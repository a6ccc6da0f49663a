// swift-tools-version:6.0
// A package outside Retort that depends on it as anyone's package would: by a git URL and a version
// (SwiftPM treats a tagged file:// repository like a remote one, so unsafe flags in Retort would be
// refused here). `run.sh` makes the tagged copy and points RETORT_PACKAGE_URL at it.
import Foundation
import PackageDescription

let retort = ProcessInfo.processInfo.environment["RETORT_PACKAGE_URL"] ?? "file:///tmp/retort-consumer/retort.git"

let package = Package(
    name: "RetortConsumer",
    dependencies: [.package(url: retort, from: "0.0.1")],
    targets: [
        .executableTarget(name: "RetortConsumer", dependencies: [.product(name: "Retort", package: "retort")])
    ],
    swiftLanguageModes: [.v6]
)
