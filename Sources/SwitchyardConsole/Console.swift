// The operator console: the fleet, its queues, its dead letters and the pipelines' objects in a
// browser, under /console on the ingress (or on its own with `switchyard console`).

public import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
public import Switchyard
public import SwitchyardAMQP
public import SwitchyardAPI
public import SwitchyardHTTP
public import SwitchyardPostgres

/// The console's routes and what they need. Every page but sign-in requires an operator's
/// session; every state-changing form is a POST carrying the session's CSRF token, and replay
/// and purge show what they would do and ask for confirmation first. What operators do is
/// recorded in `operator_actions`.
public struct Console: Sendable {
    /// What the console reads and acts on.
    public struct Dependencies: Sendable {
        /// The fleet's database (as the fleet's user: operators see every tenant).
        public var pool: PostgresPool
        /// The topology: its queues, and where dead letters go back to.
        public var topology: Topology
        /// The broker, for replays and for archiving what waits in a dead-letter queue.
        public var amqp: AMQPConnection.Configuration
        /// The broker's management API.
        public var managementURLs: [URL]
        /// Calls the management API.
        public var http: HTTPClient
        /// Wakes live views.
        public var liveUpdates: LiveUpdateHub
        /// What can be found and followed (every pipeline's).
        public var subjects: [LiveSubject]
        /// How subjects are cancelled (every pipeline's).
        public var cancellations: [SubjectCancellation]
        /// Where parts' pictures come from (every pipeline's).
        public var partImages: [SubjectPartImages]

        /// Collects the dependencies.
        public init(
            pool: PostgresPool, topology: Topology, amqp: AMQPConnection.Configuration, managementURLs: [URL], http: HTTPClient,
            liveUpdates: LiveUpdateHub, subjects: [LiveSubject], cancellations: [SubjectCancellation] = [],
            partImages: [SubjectPartImages] = []
        ) {
            self.pool = pool
            self.topology = topology
            self.amqp = amqp
            self.managementURLs = managementURLs
            self.http = http
            self.liveUpdates = liveUpdates
            self.subjects = subjects
            self.cancellations = cancellations
            self.partImages = partImages
        }
    }

    /// At most this many dead letters are replayed or shown per action or page.
    static let actionLimit = 1_000
    static let pageSize = 50
    /// Form bodies are small: a selection of ids and a few fields.
    static let formLimit = 256 * 1024

    let dependencies: Dependencies
    let access: ConsoleAccess
    let logger: Logger

    /// Creates the console.
    /// - Parameters:
    ///   - dependencies: What it reads and acts on.
    ///   - configuration: Sign-in limits and cookie settings.
    ///   - logger: Where to log.
    public init(dependencies: Dependencies, configuration: ConsoleConfiguration, logger: Logger) {
        self.dependencies = dependencies
        access = ConsoleAccess(
            pool: dependencies.pool,
            signInAttempts: RateLimiter(rate: Double(configuration.signInPerMinute) / 60, burst: Double(configuration.signInBurst)),
            alwaysSecure: configuration.alwaysSecureCookies)
        self.logger = logger
    }

    /// Adds every `/console` route.
    public func addRoutes(to router: Router<IngressRequestContext>) {
        router.get("console/static/console.css") { _, _ in Self.asset(ConsoleAssets.stylesheet, type: "text/css; charset=utf-8") }
        router.get("console/static/console.js") { _, _ in Self.asset(ConsoleAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("console/sign-in") { request, _ in try await signInPage(request) }
        router.post("console/sign-in") { request, context in try await signIn(request, from: context.clientAddress) }
        router.post("console/sign-out") { request, _ in
            try await changing(request) { session, _ in try await signOut(session, request: request) }
        }
        router.get("console") { request, _ in try await reading(request) { session in try await overview(session) } }
        router.get("console/dead-letters") { request, _ in
            try await reading(request) { session in try await deadLetters(session, query: FormFields(encoded: request.uri.query ?? "")) }
        }
        router.get("console/dead-letters/:id") { request, context in
            let id = context.parameters.get("id").flatMap { Int64($0) }
            return try await reading(request) { session in try await deadLetter(id, session) }
        }
        router.post("console/dead-letters/preview") { request, _ in
            try await changing(request) { session, fields in try await preview(fields, session) }
        }
        router.post("console/dead-letters/replay") { request, _ in
            try await changing(request) { session, fields in try await act(.replay, fields, session) }
        }
        router.post("console/dead-letters/purge") { request, _ in
            try await changing(request) { session, fields in try await act(.purge, fields, session) }
        }
        router.get("console/objects") { request, _ in
            try await reading(request) { session in try await object(FormFields(encoded: request.uri.query ?? "")["id"], session) }
        }
        router.post("console/objects/cancel") { request, _ in
            try await changing(request) { session, fields in try await cancel(fields, session) }
        }
        router.get("console/parts/:route/:id/:index") { request, context in
            let (route, id, index) = (context.parameters.get("route") ?? "", context.parameters.get("id") ?? "", context.parameters.get("index"))
            return try await reading(request) { session in try await partImage(route: route, id: id, index: index, session) }
        }
        router.get("console/live/:route/:id") { request, context in
            let route = context.parameters.get("route") ?? ""
            let id = context.parameters.get("id") ?? ""
            return try await reading(request) { session in
                try await live(route: route, id: id, after: FormFields(encoded: request.uri.query ?? "")["after"], session)
            }
        }
    }

    private static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "max-age=300", HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A page for signed-in operators; others get the sign-in page (401).
    private func reading(_ request: Request, _ page: (ConsoleSession) async throws -> Response) async throws -> Response {
        do {
            guard let session = try await access.session(of: request) else {
                return signInForm(status: .unauthorized, next: request.uri.path, problem: nil)
            }
            return try await page(session)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The database (or a pool without a free connection) failed the page: say so, never a 500.
            logger.warning("console page failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return ConsolePage.problem(.serviceUnavailable, "Unavailable", "The database does not answer; try again shortly.", session: nil)
        }
    }

    /// A state-changing form: a session and its CSRF token are required (403 without the
    /// token); `action` gets the form's fields.
    private func changing(_ request: Request, _ action: (ConsoleSession, FormFields) async throws -> Response) async throws -> Response {
        let body: [UInt8]
        do {
            body = try await request.body(upTo: Self.formLimit)
        } catch {
            return ConsolePage.problem(.contentTooLarge, "Form too large", "A console form is at most \(Self.formLimit / 1024) KiB.", session: nil)
        }
        let fields = FormFields(encoded: String(decoding: body, as: UTF8.self))
        return try await reading(request) { session in
            guard ConsoleAccess.hasValidCSRFToken(fields, for: session) else {
                return ConsolePage.problem(
                    .forbidden, "Form refused",
                    "field csrf: expected this session's CSRF token, got \(fields["csrf"] == nil ? "none" : "a different one"). "
                        + "Reload the page and submit the form again.",
                    session: session)
            }
            return try await action(session, fields)
        }
    }
}
