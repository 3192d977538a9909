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
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
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
                "ConfigIssues", "Quality", "Stats",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // LoRA Land evaluation tasks: task folders (metadata.yaml, data, template), metric functions, scores per
        // adapter/task/load level, golden canaries. The only module that reads YAML.
        .target(
            name: "Quality",
            dependencies: ["Stats", "ConfigIssues", .product(name: "Yams", package: "Yams"), .product(name: "CSV", package: "CSV.swift")]
        ),
        .target(
            name: "LoadGen",
            dependencies: ["CCurl", "Stats", "ConfigIssues", "Quality"]
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
        .testTarget(name: "QualityTests", dependencies: ["Quality"]),
        .testTarget(name: "LoadGenTests", dependencies: ["LoadGen", "LoraxSim", "Stats", "Quality"]),
        .testTarget(name: "LoraxSimTests", dependencies: ["LoraxSim"]),
        .testTarget(name: "LorabenchCLITests", dependencies: ["LorabenchCLI", "LoadGen", "LoraxSim", "Stats", "Quality"]),
    ]
)
