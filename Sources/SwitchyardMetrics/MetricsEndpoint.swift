// Prometheus export of swift-metrics: one registry per process, served on GET /metrics.

import Foundation
import Hummingbird
public import HummingbirdCore
public import Logging
import Metrics
import Prometheus
import SwitchyardAPI
public import ServiceLifecycle

/// The process's Prometheus registry behind swift-metrics, and the HTTP server that exposes it.
///
/// ```swift
/// let metrics = MetricsEndpoint.bootstrap()
/// services.append(metrics.server(port: 9464, logger: logger))
/// ```
public struct MetricsEndpoint: Sendable {
    private let registry: PrometheusCollectorRegistry

    /// Histogram buckets for durations: handler times from a millisecond up, and end-to-end
    /// latencies that include retry delays (minutes).
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(1800),
    ]

    /// Buckets for in-memory work measured in microseconds (matching an event against its
    /// chatbot's automations), by metric label.
    static let fineDurationBuckets: [String: [Duration]] = [
        "switchyard_automation_match_seconds": [
            .microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250),
            .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(10),
        ],
    ]

    /// Buckets for how many things went together (a worker's commit batches of up to 500, the
    /// ingress's acceptance groups of up to 128), by metric label.
    static let countBuckets: [String: [Double]] = [
        "switchyard_commit_batch_size": [1, 2, 4, 8, 16, 32, 64, 128, 256, 500],
        "switchyard_ingress_group_size": [1, 2, 4, 8, 16, 32, 64, 128],
    ]

    /// Bootstraps swift-metrics with a Prometheus registry. Call once per process, before any
    /// metric is created.
    public static func bootstrap() -> MetricsEndpoint {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = durationBuckets
        factory.durationHistogramBuckets = fineDurationBuckets
        factory.valueHistogramBuckets = countBuckets
        MetricsSystem.bootstrap(factory)
        return MetricsEndpoint(registry: registry)
    }

    /// Everything recorded so far, in the Prometheus text exposition format.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// An HTTP server answering `GET /metrics` (Prometheus text format), `GET /health` (the
    /// process runs) and `GET /ready`: 200 `{"status":"ready"}`, or 503
    /// `{"status":"not_ready","problems":[...]}` with `Retry-After: 5` while `readiness` names
    /// problems. Any other
    /// path or method is a JSON error, as on the ingress (404 `not_found`, 405
    /// `method_not_allowed` naming the methods).
    /// - Parameters:
    ///   - host: The address to bind (`0.0.0.0` so a scraper outside the container reaches it).
    ///   - port: The port.
    ///   - readiness: What keeps the process from doing its work now (empty: ready); nil:
    ///     `/ready` answers as `/health`.
    ///   - server: The HTTP server, with its guards for connections (idle timeout, ...).
    ///   - logger: For the server's own messages.
    /// - Returns: A service to run in the process's service group.
    public func server(
        host: String = "0.0.0.0", port: Int, readiness: (@Sendable () async -> [String])? = nil, server: HTTPServerBuilder,
        logger: Logger
    ) -> some Service {
        let endpoint = self
        let router = Router<BasicRequestContext>.answeringErrorsAsJSON { router in endpoint.addRoutes(to: router, readiness: readiness) }
        return Application(
            router: router, server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "switchyard"),
            logger: logger)
    }

    /// `GET /metrics`, `GET /health` and `GET /ready` (see ``server(host:port:readiness:server:logger:)``).
    private func addRoutes(to router: Router<BasicRequestContext>, readiness: (@Sendable () async -> [String])?) {
        let endpoint = self
        router.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: endpoint.exposition())))
        }
        router.get("health") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("ready") { _, _ in
            let problems = await readiness?() ?? []
            let answer = Readiness(status: problems.isEmpty ? "ready" : "not_ready", problems: problems.isEmpty ? nil : problems)
            var headers: HTTPFields = [.contentType: "application/json"]
            if !problems.isEmpty { headers[.retryAfter] = "5" }
            return Response(
                status: problems.isEmpty ? .ok : .serviceUnavailable, headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: (try? JSONEncoder().encode(answer)) ?? Data())))
        }
    }
}

/// The body of `GET /ready`.
private struct Readiness: Encodable {
    var status: String
    var problems: [String]?
}
