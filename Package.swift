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
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        // C libraries, found by pkg-config; only their one Swift wrapper imports each.
        .systemLibrary(name: "CSwitchyardAMQP", pkgConfig: "librabbitmq", providers: [.apt(["librabbitmq-dev"])]),
        .systemLibrary(name: "CSwitchyardPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CSwitchyardCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSwitchyardFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        .systemLibrary(name: "CSwitchyardZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Core: what every layer shares (JSON values and pointers, the event catalog, outgoing
        // events, message header names, configuration errors, redaction). No C library, no I/O.
        .target(name: "SwitchyardCore", swiftSettings: swiftSettings),
        // Dedicated-thread executors for blocking C calls.
        .target(name: "SwitchyardConcurrency", swiftSettings: swiftSettings),
        // RFC 9535 JSONPath over JSONValue: compiled queries, normalized paths, I-Regexp. No I/O.
        .target(name: "SwitchyardJSONPath", dependencies: ["SwitchyardCore"], swiftSettings: swiftSettings),

        // Clients: one Swift wrapper per C library, and the migration runner.
        .target(
            name: "SwitchyardAMQP",
            dependencies: ["CSwitchyardAMQP", "SwitchyardConcurrency", "SwitchyardCore", product("DequeModule", "swift-collections")],
            swiftSettings: swiftSettings),
        .target(
            name: "SwitchyardPostgres",
            dependencies: [
                "CSwitchyardPostgres", "SwitchyardConcurrency", "SwitchyardCore", product("ServiceLifecycle", "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "SwitchyardHTTP", dependencies: ["CSwitchyardCurl", "SwitchyardConcurrency", "SwitchyardCore"],
            swiftSettings: swiftSettings),
        // Slides as PNG pictures: FreeType and zlib on the renderer's own threads.
        .target(
            name: "SwitchyardGraphics", dependencies: ["CSwitchyardFreeType", "CSwitchyardZlib", "SwitchyardConcurrency"],
            swiftSettings: swiftSettings),
        .target(
            name: "SwitchyardMigrations", dependencies: ["SwitchyardPostgres", product("Crypto", "swift-crypto")],
            swiftSettings: swiftSettings),

        // Platform: configuration, the broker topology, the outbox and the message contract on AMQP.
        .target(
            name: "Switchyard",
            dependencies: [
                "SwitchyardCore", "SwitchyardAMQP", "SwitchyardPostgres", "SwitchyardHTTP",
                product("Logging", "swift-log"), product("Yams", "Yams"),
            ],
            swiftSettings: swiftSettings),

        // Runtime: consume, handle, commit-then-ack, retry tiers, dead letters, relay, retention.
        .target(
            name: "SwitchyardRuntime",
            dependencies: [
                "SwitchyardCore", "Switchyard", "SwitchyardAMQP", "SwitchyardConcurrency", "SwitchyardPostgres", "SwitchyardHTTP",
                product("DequeModule", "swift-collections"), product("Logging", "swift-log"), product("Metrics", "swift-metrics"),
                product("CoreMetrics", "swift-metrics"), product("ServiceLifecycle", "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // Providers: external calls within fleet-wide limits, recorded in api_usage, classified,
        // through the outbound guard; the shared language-model client.
        .target(
            name: "SwitchyardProviders",
            dependencies: [
                "SwitchyardCore", "Switchyard", "SwitchyardHTTP", "SwitchyardPostgres", "SwitchyardRuntime",
                product("Crypto", "swift-crypto"), product("Logging", "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // Blob stores: large results (slide images) in a folder or an S3 bucket, signed with SigV4.
        .target(
            name: "SwitchyardBlobStore",
            dependencies: ["SwitchyardConcurrency", "SwitchyardCore", "SwitchyardHTTP", product("Crypto", "swift-crypto")],
            swiftSettings: swiftSettings),
        // Transcription: the `transcribe` transformer's input (audio_url through the outbound guard), the offline
        // transcriber (a WAV reader and an energy segmenter), Gemini's, and the choice between them.
        .target(
            name: "SwitchyardTranscription", dependencies: ["SwitchyardCore", "SwitchyardHTTP", "SwitchyardProviders"],
            swiftSettings: swiftSettings),
        // The API kit: request context, errors, API keys, tenant transactions, idempotency, live updates.
        .target(
            name: "SwitchyardAPI",
            dependencies: [
                "SwitchyardCore", "Switchyard", "SwitchyardConcurrency", "SwitchyardPostgres",
                product("Hummingbird", "hummingbird"), product("HTTPTypes", "swift-http-types"), product("NIOCore", "swift-nio"),
                product("NIOHTTP1", "swift-nio"), product("NIOHTTPTypes", "swift-nio-extras"), product("HummingbirdCore", "hummingbird"),
                product("Crypto", "swift-crypto"), product("Logging", "swift-log"), product("Metrics", "swift-metrics"),
                product("ServiceLifecycle", "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // What a pipeline is: roles, events, live subjects, routes.
        .target(
            name: "SwitchyardPipeline",
            dependencies: [
                "Switchyard", "SwitchyardAPI", "SwitchyardPostgres", "SwitchyardRuntime",
                product("Hummingbird", "hummingbird"), product("Logging", "swift-log"),
            ],
            swiftSettings: swiftSettings),

        // Pipelines.
        .target(
            name: "SwitchyardDevelopment",
            dependencies: [
                "SwitchyardCore", "SwitchyardAPI", "SwitchyardHTTP", "SwitchyardPipeline", "SwitchyardPostgres",
                "SwitchyardProviders", "SwitchyardRuntime",
                product("Crypto", "swift-crypto"), product("Hummingbird", "hummingbird"), product("Logging", "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "SwitchyardImages",
            dependencies: [
                "SwitchyardCore", "Switchyard", "SwitchyardAPI", "SwitchyardBlobStore", "SwitchyardGraphics", "SwitchyardHTTP",
                "SwitchyardPipeline", "SwitchyardPostgres", "SwitchyardProviders", "SwitchyardRuntime", product("Crypto", "swift-crypto"),
                product("Hummingbird", "hummingbird"), product("HTTPTypes", "swift-http-types"), product("Logging", "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "SwitchyardWorkflows",
            dependencies: [
                "SwitchyardCore", "Switchyard", "SwitchyardAPI", "SwitchyardHTTP", "SwitchyardJSONPath", "SwitchyardPipeline",
                "SwitchyardPostgres", "SwitchyardProviders", "SwitchyardRuntime", "SwitchyardTranscription",
                product("Hummingbird", "hummingbird"), product("HTTPTypes", "swift-http-types"), product("Logging", "swift-log"),
                product("Metrics", "swift-metrics"),
            ],
            swiftSettings: swiftSettings),
        // The chatbot automation platform: chatbots, their automations' triggers, executions.
        .target(
            name: "SwitchyardAutomations",
            dependencies: [
                "SwitchyardCore", "SwitchyardAPI", "SwitchyardJSONPath", "SwitchyardPipeline", "SwitchyardPostgres",
                "SwitchyardRuntime", "SwitchyardWorkflows", product("Crypto", "swift-crypto"),
                product("Hummingbird", "hummingbird"), product("HTTPTypes", "swift-http-types"), product("Logging", "swift-log"),
                product("Metrics", "swift-metrics"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "SwitchyardDiagnostics",
            dependencies: ["SwitchyardCore", "Switchyard", "SwitchyardPipeline", "SwitchyardPostgres", "SwitchyardRuntime"],
            swiftSettings: swiftSettings),
        // The registry: every pipeline, in one list.
        .target(
            name: "SwitchyardPipelines",
            dependencies: [
                "SwitchyardAPI", "SwitchyardAutomations", "SwitchyardDevelopment", "SwitchyardDiagnostics", "SwitchyardImages",
                "SwitchyardPipeline", "SwitchyardRuntime", "SwitchyardWorkflows", product("Hummingbird", "hummingbird"),
            ],
            swiftSettings: swiftSettings),

        // Prometheus export of the swift-metrics every process records, served on /metrics.
        .target(
            name: "SwitchyardMetrics",
            dependencies: [
                "SwitchyardAPI",
                product("Metrics", "swift-metrics"), product("Prometheus", "swift-prometheus"), product("Hummingbird", "hummingbird"),
                product("HummingbirdCore", "hummingbird"), product("Logging", "swift-log"), product("ServiceLifecycle", "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // The operator console: queues, dead letters and the pipelines' objects in a browser.
        .target(
            name: "SwitchyardConsole",
            dependencies: [
                "SwitchyardCore", "Switchyard", "SwitchyardAMQP", "SwitchyardAPI", "SwitchyardHTTP", "SwitchyardPostgres", "SwitchyardRuntime",
                product("Hummingbird", "hummingbird"), product("HTTPTypes", "swift-http-types"), product("Crypto", "swift-crypto"),
                product("Logging", "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // The HTTP ingress: webhooks, producer events, every pipeline's routes, live updates, health, metrics.
        .target(
            name: "SwitchyardIngress",
            dependencies: [
                "SwitchyardCore", "Switchyard", "SwitchyardAMQP", "SwitchyardAPI", "SwitchyardConsole", "SwitchyardMetrics",
                "SwitchyardPipeline", "SwitchyardPipelines", "SwitchyardPostgres",
                product("Hummingbird", "hummingbird"), product("HTTPTypes", "swift-http-types"), product("Crypto", "swift-crypto"),
                product("Logging", "swift-log"), product("Metrics", "swift-metrics"), product("ServiceLifecycle", "swift-service-lifecycle"),
                product("NIOCore", "swift-nio"),
            ],
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "SwitchyardCLI",
            dependencies: [
                "SwitchyardCore", "Switchyard", "SwitchyardAMQP", "SwitchyardAPI", "SwitchyardConcurrency", "SwitchyardConsole", "SwitchyardHTTP",
                "SwitchyardIngress", "SwitchyardJSONPath", "SwitchyardMetrics", "SwitchyardMigrations", "SwitchyardPipeline", "SwitchyardPipelines",
                "SwitchyardPostgres", "SwitchyardRuntime", "SwitchyardWorkflows",
                product("ArgumentParser", "swift-argument-parser"), product("Logging", "swift-log"),
                product("ServiceLifecycle", "swift-service-lifecycle"), product("UnixSignals", "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),

        // Benchmarks (see bench/README.md); built with the package so they never rot.
        .executableTarget(
            name: "SwitchyardBench",
            dependencies: [
                "SwitchyardCore", "Switchyard", "SwitchyardAMQP", "SwitchyardPostgres", "SwitchyardHTTP",
                "SwitchyardIngress", "SwitchyardJSONPath", "SwitchyardDiagnostics", product("Hummingbird", "hummingbird"),
            ],
            path: "bench/SwitchyardBench",
            swiftSettings: swiftSettings),

        // Tests: the integration suites talk to the servers `scripts/services up` starts.
        .target(
            name: "SwitchyardTestSupport",
            dependencies: ["SwitchyardCore", "Switchyard", "SwitchyardAMQP", "SwitchyardHTTP", "SwitchyardPostgres"],
            path: "Tests/SwitchyardTestSupport",
            swiftSettings: swiftSettings),
        .testTarget(name: "SwitchyardConcurrencyTests", dependencies: ["SwitchyardConcurrency"], swiftSettings: swiftSettings),
        .testTarget(name: "SwitchyardConsoleTests", dependencies: ["SwitchyardConsole"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SwitchyardJSONPathTests", dependencies: ["SwitchyardCore", "SwitchyardJSONPath"], resources: [.copy("jsonpath-cts")],
            swiftSettings: swiftSettings),
        .testTarget(name: "SwitchyardAMQPTests", dependencies: ["SwitchyardAMQP", "SwitchyardTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SwitchyardPostgresTests", dependencies: ["SwitchyardPostgres", "SwitchyardTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SwitchyardMigrationsTests", dependencies: ["SwitchyardMigrations", "SwitchyardPostgres", "SwitchyardTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SwitchyardGraphicsTests", dependencies: ["SwitchyardGraphics"], resources: [.copy("decode_png.py")],
            swiftSettings: swiftSettings),
        .testTarget(name: "SwitchyardHTTPTests", dependencies: ["SwitchyardHTTP", "SwitchyardTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SwitchyardBlobStoreTests",
            dependencies: ["SwitchyardBlobStore", "SwitchyardCore", "SwitchyardHTTP", "SwitchyardTestSupport"],
            resources: [.copy("moto_setup.py")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SwitchyardTranscriptionTests",
            dependencies: ["SwitchyardCore", "SwitchyardHTTP", "SwitchyardProviders", "SwitchyardTestSupport", "SwitchyardTranscription"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SwitchyardWorkflowsTests",
            dependencies: [
                "SwitchyardCore", "Switchyard", "SwitchyardHTTP", "SwitchyardJSONPath", "SwitchyardProviders", "SwitchyardTestSupport", "SwitchyardWorkflows",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SwitchyardAutomationsTests",
            dependencies: ["SwitchyardCore", "SwitchyardAPI", "SwitchyardAutomations", "SwitchyardJSONPath"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SwitchyardRuntimeTests",
            dependencies: [
                "Switchyard", "SwitchyardAMQP", "SwitchyardCore", "SwitchyardHTTP", "SwitchyardPostgres", "SwitchyardRuntime",
                "SwitchyardTestSupport",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SwitchyardDevelopmentTests",
            dependencies: [
                "SwitchyardCore", "SwitchyardDevelopment", "SwitchyardHTTP", "SwitchyardProviders", "SwitchyardTestSupport",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SwitchyardIngressTests",
            dependencies: [
                "SwitchyardCore", "Switchyard", "SwitchyardAMQP", "SwitchyardAPI", "SwitchyardHTTP", "SwitchyardIngress",
                "SwitchyardPostgres", "SwitchyardTestSupport",
                product("Crypto", "swift-crypto"), product("Hummingbird", "hummingbird"), product("HTTPTypes", "swift-http-types"),
                product("Logging", "swift-log"), product("NIOCore", "swift-nio"),
            ],
            resources: [.copy("sign_webhook.py"), .copy("decode_png.py"), .copy("console_browser.py"), .copy("fuzz_fleet.py")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SwitchyardTests",
            dependencies: [
                "SwitchyardCore", "Switchyard", "SwitchyardAMQP", "SwitchyardHTTP", "SwitchyardImages", "SwitchyardPipeline",
                "SwitchyardPipelines", "SwitchyardPostgres", "SwitchyardRuntime", "SwitchyardTestSupport",
                product("Logging", "swift-log"),
            ],
            swiftSettings: swiftSettings),
    ]
)

/// A product of a package dependency.
func product(_ name: String, _ package: String) -> Target.Dependency {
    .product(name: name, package: package)
}
