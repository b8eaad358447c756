// swift-tools-version: 6.1
import PackageDescription

/// Every Swift target is built in Swift 6 language mode with complete concurrency checking.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil-collector", targets: ["vigil-collector"]),
        .executable(name: "vigil-evaluator", targets: ["vigil-evaluator"]),
        .executable(name: "vigil-alerter", targets: ["vigil-alerter"]),
        .executable(name: "vigil-recorder", targets: ["vigil-recorder"]),
        .executable(name: "vigil", targets: ["vigil"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // C libraries from Debian, each reached through exactly one system-library target.
        .systemLibrary(
            name: "CMosquitto",
            path: "Core/CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        .systemLibrary(
            name: "CModbus",
            path: "Core/CModbus",
            pkgConfig: "libmodbus",
            providers: [.apt(["libmodbus-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            path: "Core/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),

        // Buffers libmosquitto's socket reads (see read.c): C, because it must replace `read`.
        .target(name: "CMosquittoRead", path: "Core/CMosquittoRead"),

        // Libraries: all logic lives here.
        .target(name: "VigilDomain", path: "Core/VigilDomain", swiftSettings: strict),
        .target(
            name: "VigilMQTT", dependencies: ["CMosquitto", "CMosquittoRead"], path: "Core/VigilMQTT",
            swiftSettings: strict),
        .target(name: "VigilStore", dependencies: ["CSQLite"], path: "Core/VigilStore", swiftSettings: strict),
        .target(name: "VigilModbus", dependencies: ["CModbus"], path: "Core/VigilModbus", swiftSettings: strict),
        .target(name: "VigilYAML", path: "Core/VigilYAML", swiftSettings: strict),
        .target(
            name: "VigilRuntime",
            dependencies: [
                "VigilDomain", "VigilMQTT", "VigilYAML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Core/VigilRuntime",
            swiftSettings: strict
        ),
        .target(
            name: "VigilOutbox", dependencies: ["VigilDomain", "VigilMQTT", "VigilRuntime", "VigilStore"],
            path: "Core/VigilOutbox", swiftSettings: strict),
        .target(
            name: "VigilSimulator", dependencies: ["VigilDomain"], path: "Core/VigilSimulator", swiftSettings: strict),
        .target(
            name: "VigilReplay", dependencies: ["VigilDomain"], path: "Core/VigilReplay", swiftSettings: strict),
        .target(
            name: "VigilCollector",
            dependencies: [
                "VigilDomain", "VigilRuntime", "VigilSimulator", "VigilStore", "VigilModbus", "VigilYAML",
                "VigilReplay", "VigilOutbox",
            ],
            path: "Core/VigilCollector",
            swiftSettings: strict
        ),
        // Pure numerics for remaining-useful-life models. Optimised even in debug builds: `make
        // test` trains a model, which unoptimised Swift does some thirty times slower.
        .target(
            name: "VigilPrognostics", path: "Core/VigilPrognostics",
            swiftSettings: strict + [.unsafeFlags(["-O"])]),
        .target(
            name: "VigilEvaluator",
            dependencies: [
                "VigilDomain", "VigilRuntime", "VigilPrognostics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Core/VigilEvaluator",
            swiftSettings: strict
        ),
        .target(
            name: "VigilAlerter",
            dependencies: ["VigilDomain", "VigilRuntime", "VigilOutbox"],
            path: "Core/VigilAlerter",
            swiftSettings: strict
        ),
        .target(
            name: "VigilRecorder",
            dependencies: [
                "VigilDomain", "VigilRuntime", "VigilStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Core/VigilRecorder",
            swiftSettings: strict
        ),

        .target(
            name: "VigilConsole",
            dependencies: [
                "VigilDomain", "VigilMQTT", "VigilRuntime", "VigilAlerter", "VigilCollector", "VigilEvaluator",
                "VigilRecorder", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Core/VigilConsole",
            swiftSettings: strict
        ),

        // Agents: argument parsing and wiring only.
        .executableTarget(
            name: "vigil-collector", dependencies: ["VigilCollector", "VigilRuntime"], path: "Agents/collector",
            swiftSettings: strict),
        .executableTarget(
            name: "vigil-evaluator", dependencies: ["VigilEvaluator", "VigilRuntime"], path: "Agents/evaluator",
            swiftSettings: strict),
        .executableTarget(
            name: "vigil-alerter", dependencies: ["VigilAlerter", "VigilRuntime"], path: "Agents/alerter",
            swiftSettings: strict),
        .executableTarget(
            name: "vigil",
            dependencies: ["VigilConsole", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Agents/vigil",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "vigil-recorder", dependencies: ["VigilRecorder", "VigilRuntime"], path: "Agents/recorder",
            swiftSettings: strict),

        // Benchmarks (`make bench`): measure, never assert.
        .executableTarget(
            name: "vigil-bench",
            dependencies: [
                "VigilAlerter", "VigilCollector", "VigilDomain", "VigilEvaluator", "VigilModbus", "VigilMQTT",
                "VigilRecorder", "VigilStore",
            ],
            path: "Benchmarks/vigil-bench", swiftSettings: strict),

        // Tests.
        .target(
            name: "VigilTestSupport", path: "Tests/VigilTestSupport", exclude: ["modbus_peer.py"],
            swiftSettings: strict),
        .testTarget(name: "VigilDomainTests", dependencies: ["VigilDomain"], swiftSettings: strict),
        .testTarget(name: "VigilMQTTTests", dependencies: ["VigilMQTT", "VigilTestSupport"], swiftSettings: strict),
        .testTarget(name: "VigilStoreTests", dependencies: ["VigilStore"], swiftSettings: strict),
        .testTarget(name: "VigilYAMLTests", dependencies: ["VigilYAML"], swiftSettings: strict),
        .testTarget(
            name: "VigilRuntimeTests", dependencies: ["VigilRuntime", "VigilDomain", "VigilYAML"], swiftSettings: strict
        ),
        .testTarget(
            name: "VigilSimulatorTests", dependencies: ["VigilSimulator", "VigilDomain"], swiftSettings: strict),
        .testTarget(
            name: "VigilReplayTests", dependencies: ["VigilReplay", "VigilDomain"], swiftSettings: strict),
        .testTarget(
            name: "VigilEvaluatorTests",
            dependencies: [
                "VigilEvaluator", "VigilDomain", "VigilRuntime", "VigilSimulator", "VigilYAML", "VigilPrognostics",
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "VigilPrognosticsTests", dependencies: ["VigilPrognostics"], swiftSettings: strict),
        .testTarget(
            name: "VigilAlerterTests", dependencies: ["VigilAlerter", "VigilDomain", "VigilRuntime", "VigilYAML"],
            swiftSettings: strict),
        .testTarget(
            name: "VigilRecorderTests",
            dependencies: ["VigilRecorder", "VigilDomain", "VigilMQTT", "VigilRuntime", "VigilStore", "VigilYAML"],
            swiftSettings: strict),
        .testTarget(
            name: "VigilCollectorTests", dependencies: ["VigilCollector", "VigilRuntime", "VigilYAML"],
            swiftSettings: strict),
        .testTarget(
            name: "VigilOutboxTests", dependencies: ["VigilOutbox", "VigilStore"], swiftSettings: strict),
        .testTarget(name: "ModbusPeerTests", dependencies: ["VigilTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ModbusIntegrationTests",
            dependencies: ["VigilModbus", "VigilDomain", "VigilMQTT", "VigilRuntime", "VigilTestSupport"],
            swiftSettings: strict),
        .testTarget(name: "VigilConsoleTests", dependencies: ["VigilConsole", "VigilDomain"], swiftSettings: strict),
        .testTarget(
            name: "SecurityTests",
            dependencies: [
                "VigilAlerter", "VigilCollector", "VigilDomain", "VigilEvaluator", "VigilMQTT", "VigilRecorder",
                "VigilRuntime", "VigilTestSupport",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["VigilDomain", "VigilMQTT", "VigilStore", "VigilTestSupport"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
