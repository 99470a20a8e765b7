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
        // The lab: path simulator and benchmarks for tests, bench/ and `tracemap demo`; never shipped as `tracemap`.
        .executable(name: "tracemap-lab", targets: ["tracemap-lab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Already in the graph through swift-nio: its `Errno` and `FileDescriptor` are the typed syscalls of files.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // C shims only: accessors for C globals and macros, nothing clever.
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw",
                       providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CMaxMindDB", pkgConfig: "libmaxminddb",
                       providers: [.apt(["libmaxminddb-dev"])]),
        .target(name: "CNetShim"),

        .target(name: "TracemapModel"),
        // Child processes (posix_spawn) and signal traps (a self-pipe): the one way every target and test starts a
        // program or catches a signal. Glibc only, so the monitor links no Foundation for it.
        .target(name: "TracemapProcess"),
        .target(name: "TracemapPacket", dependencies: ["TracemapModel"]),
        .target(name: "TracemapNet", dependencies: [
            "TracemapModel", "TracemapPacket", "CNetShim", .product(name: "SystemPackage", package: "swift-system"),
        ]),
        .target(name: "TracemapProbe", dependencies: [
            "TracemapModel", "TracemapPacket", "TracemapNet",
            .product(name: "Collections", package: "swift-collections"),
        ]),
        .target(name: "TracemapStats", dependencies: [
            "TracemapModel",
            .product(name: "Collections", package: "swift-collections"),
        ]),
        .target(name: "TracemapMonitor", dependencies: [
            "TracemapModel", "TracemapNet", "TracemapProbe", "TracemapStats", "TracemapProcess",
            .product(name: "Collections", package: "swift-collections"),
        ]),
        // Places: the land mask every map draws, and locations checked against the physics of the RTT.
        .target(name: "TracemapGeo", dependencies: ["TracemapModel"], exclude: ["Resources"]),
        .target(name: "TracemapEnrich", dependencies: [
            "TracemapModel", "TracemapGeo", "TracemapNet", "TracemapPacket", "CMaxMindDB",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "TracemapReport", dependencies: ["TracemapModel", "TracemapStats", "TracemapGeo"]),
        // The Prometheus exporter: reads monitor snapshots and events, never the monitor's internals.
        .target(name: "TracemapMetrics", dependencies: [
            "TracemapModel", "TracemapStats", "TracemapMonitor",
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        // Reads saved traces: tracemap's own files and those of other tools and remote engines.
        .target(name: "TracemapImport", dependencies: [
            "TracemapModel", "TracemapStats", "TracemapMonitor", "TracemapReport", "TracemapNet",
        ]),
        .target(name: "TracemapTUI", dependencies: [
            "TracemapModel", "TracemapStats", "TracemapMonitor", "TracemapReport", "TracemapEnrich", "TracemapGeo",
            "TracemapNet", "TracemapProcess", "CNcursesw",
        ]),
        // Remote vantage points: HTTP clients for Globalping, RIPE Atlas and Cloudflare's traceroute API.
        .target(name: "TracemapRemote", dependencies: [
            "TracemapModel",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .target(name: "TracemapSim", dependencies: ["TracemapModel", "TracemapPacket", "TracemapNet", "CNetShim"]),
        // The namespace lab around the simulator (namespace, TUN device, routes, `tracemap-lab sim`): the network
        // tests and `tracemap demo` share it. Process plumbing only: it links no simulator.
        .target(name: "TracemapLab", dependencies: ["TracemapProcess"]),
        // The `main` both executables share: one-line errors and documented exit codes.
        .target(name: "TracemapCLI", dependencies: [
            "TracemapModel", "TracemapReport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // config.toml: parsing, checking against the commands' options, precedence. Knows no command.
        .target(name: "TracemapConfig", dependencies: ["TracemapNet", .product(name: "TOMLKit", package: "TOMLKit")]),
        .executableTarget(name: "tracemap", dependencies: [
            "TracemapModel", "TracemapNet", "TracemapProbe", "TracemapStats", "TracemapMonitor",
            "TracemapEnrich", "TracemapReport", "TracemapTUI", "TracemapImport", "TracemapCLI", "TracemapLab",
            "TracemapGeo", "TracemapRemote", "TracemapMetrics", "TracemapProcess",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            "TracemapConfig",
        ]),
        .executableTarget(name: "tracemap-lab", dependencies: [
            "TracemapModel", "TracemapProbe", "TracemapMonitor", "TracemapEnrich", "TracemapTUI", "TracemapSim",
            "TracemapCLI", "TracemapProcess", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // One test target per layer, so a layer's tests build without the others.
        .testTarget(name: "PacketTests", dependencies: ["TracemapPacket", "TracemapModel", "TracemapSim", "TracemapProcess"]),
        .testTarget(name: "ProbeTests", dependencies: ["TracemapProbe", "TracemapModel"]),
        .testTarget(name: "StatsTests", dependencies: ["TracemapStats", "TracemapModel"]),
        .testTarget(name: "MonitorTests", dependencies: ["TracemapMonitor", "TracemapProbe", "TracemapStats",
                                                         "TracemapModel", "TracemapSim"]),
        .testTarget(name: "EnrichTests", dependencies: ["TracemapEnrich", "TracemapModel", "TracemapReport",
                                                        "TracemapStats", "TestSupport", "TracemapProcess"]),
        .testTarget(name: "GeoTests", dependencies: ["TracemapGeo", "TracemapModel"]),
        .testTarget(name: "ReportTests", dependencies: ["TracemapReport", "TracemapStats", "TracemapModel",
                                                        "TracemapGeo"]),
        .testTarget(name: "ImportTests", dependencies: ["TracemapImport", "TracemapReport", "TracemapModel",
                                                        "TestSupport", "TracemapProcess"],
                    exclude: ["Fixtures"]),
        // Also the hop field table's test, which needs every consumer (Report's CSV and JSON beside these).
        .testTarget(name: "MetricsTests", dependencies: ["TracemapMetrics", "TracemapMonitor", "TracemapStats",
                                                         "TracemapModel", "TracemapReport"]),
        .testTarget(name: "TUITests", dependencies: ["TracemapTUI", "TracemapMonitor", "TracemapStats",
                                                     "TracemapModel", "TracemapGeo"]),
        // End-to-end: runs the built `tracemap` binary in network namespaces the tests create (root only).
        .testTarget(name: "NetworkTests", dependencies: ["TracemapModel", "TracemapLab", "TestSupport",
                                                         "TracemapProcess"]),
        .testTarget(name: "ConfigTests", dependencies: ["TracemapConfig", "TestSupport"]),
        // Installs a release build into temporary prefixes and checks it as a user would (scripts/install.sh,
        // man, completions, the .deb); one release build shared by every test in it.
        .testTarget(name: "InstallTests", dependencies: ["TestSupport"]),
        // Remote engines against a stand-in server (Tests/RemoteStandIn, Python 3 stdlib) on loopback.
        .testTarget(name: "RemoteTests", dependencies: ["TracemapRemote", "TracemapModel", "TestSupport",
                                                        "TracemapProcess"]),
        // Every bad input against the built binary: exit code and the one line (root-only rows skip otherwise).
        .testTarget(name: "CLITests", dependencies: ["TracemapProcess"]),
        // Helpers more than one test target needs (child processes outside Foundation's Process).
        .target(name: "TestSupport", dependencies: ["TracemapProcess"], path: "Tests/TestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
