// swift-tools-version: 6.0
import PackageDescription

/// Settings every target of ours shares (Hummingbird's set): explicit `any`, imports that say
/// what they expose.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "switchyard",
    products: [
        .executable(name: "switchyard", targets: ["SwitchyardCLI"]),
        .library(name: "Switchyard", targets: ["Switchyard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // C libraries, found by pkg-config; only their one Swift wrapper imports each.
        .systemLibrary(
            name: "CSwitchyardAMQP",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        .systemLibrary(
            name: "CSwitchyardPostgres",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CSwitchyardCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),

        // Dedicated-thread executors for blocking C calls.
        .target(name: "SwitchyardConcurrency", swiftSettings: swiftSettings),
        // Credentials kept out of messages and logs: the one URL redaction.
        .target(name: "SwitchyardRedaction", swiftSettings: swiftSettings),

        // The three wrappers.
        .target(
            name: "SwitchyardAMQP",
            dependencies: [
                "CSwitchyardAMQP",
                "SwitchyardRedaction",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SwitchyardPostgres",
            dependencies: [
                "CSwitchyardPostgres", "SwitchyardConcurrency", "SwitchyardRedaction",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SwitchyardHTTP",
            dependencies: ["CSwitchyardCurl", "SwitchyardConcurrency", "SwitchyardRedaction"],
            swiftSettings: swiftSettings
        ),

        // Migrations: numbered SQL files applied once, under an advisory lock.
        .target(
            name: "SwitchyardMigrations",
            dependencies: ["SwitchyardPostgres", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),

        // Configuration and topology: what the subcommands run.
        .target(
            name: "Switchyard",
            dependencies: [
                "SwitchyardAMQP",
                "SwitchyardPostgres",
                "SwitchyardHTTP",
                "SwitchyardMigrations",
                "SwitchyardRedaction",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // The worker runtime: consume, handle, commit-then-ack, retry tiers, dead letters, outbox.
        .target(
            name: "SwitchyardRuntime",
            dependencies: [
                "Switchyard",
                "SwitchyardAMQP",
                "SwitchyardPostgres",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Prometheus export of the swift-metrics every process records, served on /metrics.
        .target(
            name: "SwitchyardMetrics",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP ingress: webhooks, producer events, job API, health, metrics.
        .target(
            name: "SwitchyardIngress",
            dependencies: [
                "Switchyard",
                "SwitchyardAMQP",
                "SwitchyardPostgres",
                "SwitchyardRuntime",
                "SwitchyardMetrics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),
        // The worker roles: one file each.
        .target(
            name: "SwitchyardRoles",
            dependencies: ["SwitchyardRuntime", "SwitchyardPostgres"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "SwitchyardCLI",
            dependencies: [
                "Switchyard",
                "SwitchyardRuntime",
                "SwitchyardRoles",
                "SwitchyardDevelopment",
                "SwitchyardHTTP",
                "SwitchyardMetrics",
                "SwitchyardIngress",
                "SwitchyardRedaction",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Benchmarks (see bench/README.md); built with the package so they never rot.
        .executableTarget(
            name: "SwitchyardBench",
            dependencies: [
                "Switchyard", "SwitchyardAMQP", "SwitchyardPostgres", "SwitchyardRuntime", "SwitchyardHTTP",
                "SwitchyardIngress", .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "bench/SwitchyardBench",
            swiftSettings: swiftSettings
        ),

        // Tests: the integration suites talk to the servers `scripts/services up` starts.
        .target(
            name: "SwitchyardTestSupport",
            dependencies: ["Switchyard", "SwitchyardAMQP", "SwitchyardHTTP", "SwitchyardPostgres", "SwitchyardRuntime"],
            path: "Tests/SwitchyardTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchyardConcurrencyTests",
            dependencies: ["SwitchyardConcurrency"],
            swiftSettings: swiftSettings
        ),
        // Pipeline 1: conversation → analysis → plan → build, its providers and roles.
        .target(
            name: "SwitchyardDevelopment",
            dependencies: [
                "Switchyard", "SwitchyardRuntime", "SwitchyardPostgres", "SwitchyardHTTP", "SwitchyardRedaction",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchyardDevelopmentTests",
            dependencies: ["SwitchyardDevelopment", "Switchyard", "SwitchyardHTTP", "SwitchyardTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchyardAMQPTests",
            dependencies: ["SwitchyardAMQP", "SwitchyardTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchyardPostgresTests",
            dependencies: ["SwitchyardPostgres", "SwitchyardTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchyardMigrationsTests",
            dependencies: ["SwitchyardMigrations", "SwitchyardPostgres", "SwitchyardTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchyardHTTPTests",
            dependencies: ["SwitchyardHTTP", "SwitchyardTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchyardRuntimeTests",
            dependencies: ["SwitchyardRuntime", "SwitchyardRoles", "SwitchyardCLI", "SwitchyardHTTP", "SwitchyardTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchyardIngressTests",
            dependencies: ["SwitchyardIngress", "SwitchyardAMQP", "SwitchyardHTTP", "SwitchyardPostgres", "SwitchyardTestSupport"],
            resources: [.copy("sign_webhook.py")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchyardTests",
            dependencies: ["Switchyard", "SwitchyardCLI", "SwitchyardRedaction", "SwitchyardRuntime", "SwitchyardTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
