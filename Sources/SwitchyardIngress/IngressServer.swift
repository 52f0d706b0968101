// `switchyard ingress`: the Hummingbird application with every route and middleware.

import HTTPTypes
public import Hummingbird
public import Logging
import Metrics
import NIOCore
public import ServiceLifecycle
public import Switchyard
public import SwitchyardAPI
public import SwitchyardConsole
public import SwitchyardMetrics
import SwitchyardCore
import SwitchyardPipeline
import SwitchyardPipelines
public import SwitchyardPostgres

/// The HTTP front door: webhooks, producer events, the job API with live updates, health,
/// readiness and metrics.
public struct IngressServer: Sendable {
    let configuration: IngressConfiguration
    let pool: PostgresPool
    let acceptancePool: PostgresPool
    let publisher: BrokerPublisher
    let liveUpdates: LiveUpdateHub
    let followUps: (any LeasedOutboxPublisher)?
    let eventsExchange: String
    let metrics: MetricsEndpoint?
    let console: Console?
    let openAPIDocument: String
    let logger: Logger

    /// Creates the server.
    /// - Parameters:
    ///   - configuration: Port, limits, webhook secrets.
    ///   - pool: The database, for tenant queries and checks.
    ///   - acceptancePool: The database for receipts and idempotency keys, made with
    ///     ``PostgresPool/acceptanceSettings``.
    ///   - publisher: The broker connection events go out on.
    ///   - liveUpdates: Wakes Server-Sent Event streams (run it as a service beside the server).
    ///   - followUps: Publishes the first events of created jobs right after their commit; nil:
    ///     the relays publish them.
    ///   - eventsExchange: Where events are published (`sy.events`).
    ///   - metrics: Served on `GET /metrics` when given.
    ///   - console: The operator console, served under `/console` when given.
    ///   - logger: Where to log.
    /// - Throws: When the OpenAPI document is missing from the module's resources.
    public init(
        configuration: IngressConfiguration, pool: PostgresPool, acceptancePool: PostgresPool, publisher: BrokerPublisher,
        liveUpdates: LiveUpdateHub, followUps: (any LeasedOutboxPublisher)? = nil,
        eventsExchange: String, metrics: MetricsEndpoint?, console: Console? = nil, logger: Logger
    ) throws {
        openAPIDocument = try OpenAPIDocument.load()
        self.configuration = configuration
        self.pool = pool
        self.acceptancePool = acceptancePool
        self.publisher = publisher
        self.liveUpdates = liveUpdates
        self.followUps = followUps
        self.eventsExchange = eventsExchange
        self.metrics = metrics
        self.console = console
        self.logger = logger
    }

    /// The router with every route, for the application or for tests.
    /// - Throws: A pipeline's ``ConfigurationError`` (its routes' settings).
    public func router() throws -> Router<IngressRequestContext> {
        try Router<IngressRequestContext>.answeringErrorsAsJSON { router in try addRoutes(to: router) }
    }

    /// Every route, behind the request metrics.
    private func addRoutes(to router: Router<IngressRequestContext>) throws {
        router.add(middleware: RequestMetricsMiddleware())
        let authentication = CallerAuthentication(
            pool: pool, logger: logger, rate: configuration.apiRate, burst: configuration.apiBurst,
            failureRate: configuration.authFailureRate, failureBurst: configuration.authFailureBurst)
        WebhookController(
            configuration: configuration, acceptor: WebhookAcceptor(pool: acceptancePool, publisher: publisher, logger: logger),
            tenants: TenantDirectory(pool: pool), authentication: authentication,
            eventsExchange: eventsExchange, logger: logger
        ).addRoutes(to: router)
        EventsController(
            configuration: configuration, acceptor: KeyedEventAcceptor(pool: acceptancePool, publisher: publisher, logger: logger),
            publisher: publisher, authentication: authentication,
            eventsExchange: eventsExchange, log: AcceptanceLog("events", logger: logger)
        ).addRoutes(to: router)
        // Every pipeline's routes, and its subjects' live updates, from the registry.
        let creation = IdempotentCreation(
            pool: pool, outbox: OutboxWriter(exchange: eventsExchange), publisher: followUps, logger: logger)
        try PipelineRegistry.addRoutes(
            to: router,
            context: RouteContext(
                pool: pool, authentication: authentication, creation: creation, bodyLimit: configuration.bodyLimit, logger: logger))
        LiveUpdatesController(
            subjects: PipelineRegistry.liveSubjects, pool: pool, authentication: authentication, hub: liveUpdates,
            quota: StreamQuota(maxPerTenant: configuration.sseMaxPerTenant), logger: logger
        ).addRoutes(to: router)
        console?.addRoutes(to: router)
        router.get("healthz") { _, _ in APIResponse.json(#"{"status":"ok"}"#) }
        let openAPI = openAPIDocument
        router.get("openapi.json") { _, _ in APIResponse.json(openAPI) }
        let pool = pool
        let publisher = publisher
        router.get("readyz") { _, _ in
            async let database = (try? await pool.withConnection { try $0.query("SELECT 1").count }) == 1
            async let broker = publisher.isReachable()
            let (databaseUp, brokerUp) = await (database, broker)
            guard databaseUp && brokerUp else {
                throw APIError(.serviceUnavailable, "not_ready",
                               "broker \(brokerUp ? "up" : "unreachable"), database \(databaseUp ? "up" : "unreachable")", retryAfter: 5)
            }
            // Still ready under a broker's resource alarm: every replica shares the broker, and
            // an ingress in rotation answers 503 at once with `Retry-After`.
            if let reason = publisher.blockedReason {
                var body: [UInt8] = []
                JSONValue.writeObject(
                    ["status": .string("ready"), "broker": .string("blocked"), "broker_blocked_reason": .string(reason),
                     "database": .string("up")], into: &body)
                return APIResponse.json(String(decoding: body, as: UTF8.self))
            }
            return APIResponse.json(#"{"status":"ready","broker":"up","database":"up"}"#)
        }
        if let metrics {
            router.get("metrics") { _, _ in
                publisher.recordBlocked()
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
            }
        }
    }

    /// The application, listening on every interface at the configured port; connections idle
    /// (no request in progress) longer than the configured idle timeout are closed, and so are
    /// those whose next request, head and body, hasn't wholly arrived within it.
    /// - Throws: A pipeline's ``ConfigurationError`` (its routes' settings).
    public func application(port: Int? = nil) throws -> some Service {
        Application(
            router: try router(),
            server: .guardedHTTP1(idleTimeoutSeconds: configuration.idleTimeout),
            configuration: .init(address: .hostname("0.0.0.0", port: port ?? configuration.port), serverName: "switchyard-ingress"),
            logger: logger)
    }
}
