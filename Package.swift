// swift-tools-version:6.0
import PackageDescription

// Layers, data flowing one way (see README "Architecture"):
// Packet → Net → Probe → Stats → Monitor → Report/TUI → tracemap.
// Enrich sits beside them and only knows the Model.
let package = Package(
    name: "tracemap",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tracemap", targets: ["tracemap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C shims only: accessors for C globals and macros, nothing clever.
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw",
                       providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CMaxMindDB", pkgConfig: "libmaxminddb",
                       providers: [.apt(["libmaxminddb-dev"])]),
        .target(name: "CNetShim"),

        .target(name: "TracemapModel"),
        .target(name: "TracemapPacket", dependencies: ["TracemapModel"]),
        .target(name: "TracemapNet", dependencies: ["TracemapModel", "TracemapPacket", "CNetShim"]),
        .target(name: "TracemapProbe", dependencies: [
            "TracemapModel", "TracemapPacket", "TracemapNet",
            .product(name: "Collections", package: "swift-collections"),
        ]),
        .target(name: "TracemapStats", dependencies: [
            "TracemapModel",
            .product(name: "Collections", package: "swift-collections"),
        ]),
        .target(name: "TracemapMonitor", dependencies: [
            "TracemapModel", "TracemapProbe", "TracemapStats",
            .product(name: "Collections", package: "swift-collections"),
        ]),
        .target(name: "TracemapEnrich", dependencies: [
            "TracemapModel", "TracemapNet", "TracemapPacket", "CMaxMindDB",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "TracemapReport", dependencies: ["TracemapModel", "TracemapStats"]),
        .target(name: "TracemapTUI", dependencies: [
            "TracemapModel", "TracemapStats", "TracemapMonitor", "TracemapReport", "TracemapEnrich",
            "CNcursesw",
        ], exclude: ["Resources"]),
        .target(name: "TracemapSim", dependencies: ["TracemapModel", "TracemapPacket", "CNetShim"]),
        .executableTarget(name: "tracemap", dependencies: [
            "TracemapModel", "TracemapNet", "TracemapProbe", "TracemapStats", "TracemapMonitor",
            "TracemapEnrich", "TracemapReport", "TracemapTUI", "TracemapSim",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // One test target per layer, so a layer's tests build without the others.
        .testTarget(name: "PacketTests", dependencies: ["TracemapPacket", "TracemapModel"]),
        .testTarget(name: "ProbeTests", dependencies: ["TracemapProbe", "TracemapModel"]),
        .testTarget(name: "StatsTests", dependencies: ["TracemapStats", "TracemapModel"]),
        .testTarget(name: "MonitorTests", dependencies: ["TracemapMonitor", "TracemapProbe", "TracemapStats",
                                                         "TracemapModel"]),
        .testTarget(name: "EnrichTests", dependencies: ["TracemapEnrich", "TracemapModel", "TracemapReport",
                                                        "TracemapStats", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["TracemapReport", "TracemapStats", "TracemapModel"]),
        .testTarget(name: "TUITests", dependencies: ["TracemapTUI", "TracemapMonitor", "TracemapStats",
                                                     "TracemapModel"]),
        // End-to-end: runs the built `tracemap` binary in network namespaces the tests create (root only).
        .testTarget(name: "NetworkTests", dependencies: ["TracemapModel", "TestSupport"]),
        // Every bad input against the built binary: exit code and the one line (root-only rows skip otherwise).
        .testTarget(name: "CLITests"),
        // Helpers more than one test target needs (child processes outside Foundation's Process).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
