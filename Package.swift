// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "lorabench",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lorabench", targets: ["lorabench"]),
        .library(name: "LoraxSim", targets: ["LoraxSim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // Typed, logic-free wrappers over libcurl's variadic setopt/getinfo calls (Swift cannot call C variadics).
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // One way to report a configuration problem (path + message) and suggest a fix, shared by the scenario
        // check and the simulator's settings.
        .target(name: "ConfigIssues"),
        .target(
            name: "Stats",
            dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        .target(
            name: "LoraxSim",
            dependencies: [
                "ConfigIssues",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "LoadGen",
            dependencies: ["CCurl", "Stats", "ConfigIssues"]
        ),
        .target(
            name: "LorabenchCLI",
            dependencies: [
                "LoadGen", "Stats", "LoraxSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "lorabench", dependencies: ["LorabenchCLI"]),
        .testTarget(name: "StatsTests", dependencies: ["Stats"]),
        .testTarget(name: "LoadGenTests", dependencies: ["LoadGen", "LoraxSim", "Stats"]),
        .testTarget(name: "LoraxSimTests", dependencies: ["LoraxSim"]),
        .testTarget(name: "LorabenchCLITests", dependencies: ["LorabenchCLI", "LoadGen", "LoraxSim", "Stats"]),
    ]
)
