// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "batchwatch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "batchwatch", targets: ["batchwatch"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // The command line: options wired to the library targets below, nothing more.
        .executableTarget(
            name: "batchwatch",
            dependencies: [
                "BatchwatchConfig", "BatchwatchCheck", "BatchwatchDelivery", "AWSClient", "ScheduleDiscovery",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The bench's CPU case: RunClassifier on 44,640 per-minute occurrences (scripts/bench builds it; not installed).
        .executableTarget(name: "batchwatch-bench-classifier", dependencies: ["BatchwatchCheck"]),
        // AWS Signature Version 4: pure functions of a request, credentials and a date. No I/O.
        .target(name: "SigV4", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Cron and rate expressions, and their occurrences in a timezone (DST as EventBridge Scheduler).
        .target(name: "Schedules"),
        // The YAML configuration, read into typed values with file:line: key path errors.
        .target(
            name: "BatchwatchConfig",
            dependencies: ["Schedules", .product(name: "Yams", package: "Yams")]
        ),
        // Linux: stops FoundationNetworking's busy wait for an answer on a new connection (see its .c file).
        // The executable exports curl_multi_setopt so that libFoundationNetworking.so binds to it too.
        .target(
            name: "CurlSocketWatch",
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "--export-dynamic-symbol=curl_multi_setopt"], .when(platforms: [.linux]))
            ]
        ),
        // Credentials, endpoints, transport, retries and the JSON / Query protocols.
        .target(
            name: "AWSClient",
            dependencies: ["SigV4", "CurlSocketWatch", .product(name: "Logging", package: "swift-log")]
        ),
        // What starts each state machine, read from EventBridge rules and Scheduler schedules.
        .target(
            name: "ScheduleDiscovery",
            dependencies: [
                "AWSClient", "BatchwatchConfig", "Schedules", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The check: what ran against what was expected, and the digest it produces.
        .target(
            name: "BatchwatchCheck",
            dependencies: [
                "AWSClient", "BatchwatchConfig", "Schedules", "ScheduleDiscovery",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Slack and SNS delivery, exactly once, with a spool for what could not be delivered.
        .target(
            name: "BatchwatchDelivery",
            dependencies: [
                "AWSClient", "BatchwatchCheck", "BatchwatchConfig",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Loopback HTTP servers and other helpers shared by the test targets.
        .target(
            name: "TestSupport",
            dependencies: ["AWSClient", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport"
        ),
        // AWS's Signature Version 4 test suite (Apache-2.0, LICENSE and NOTICE beside it) is a resource.
        .testTarget(
            name: "SigV4Tests", dependencies: ["SigV4"], resources: [.copy("Resources/aws-sig-v4-test-suite")]
        ),
        .testTarget(name: "ScheduleTests", dependencies: ["Schedules"]),
        .testTarget(name: "ConfigTests", dependencies: ["BatchwatchConfig", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "AWSClientTests", dependencies: ["AWSClient", "CurlSocketWatch", "TestSupport"]),
        .testTarget(
            name: "CheckTests",
            dependencies: [
                "BatchwatchCheck", "Schedules", "AWSClient", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "DiscoveryTests", dependencies: ["ScheduleDiscovery", "TestSupport"]),
        .testTarget(name: "DeliveryTests", dependencies: ["BatchwatchDelivery", "TestSupport"]),
        // Real calls against the local AWS test bed (moto), started by scripts/test.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "AWSClient", "BatchwatchCheck", "BatchwatchDelivery", "BatchwatchConfig", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
