// The ingress's own settings, from SWITCHYARD_* variables, validated at start-up.

public import Foundation
public import SwitchyardCore
public import SwitchyardAPI

/// How the ingress runs: port, body limit, and per webhook source its secrets and tenant.
public struct IngressConfiguration: Sendable {
    /// A webhook source's settings.
    public struct WebhookSettings: Sendable {
        /// Verifies its signatures; nil when no secret is configured (the source is refused).
        public var verifier: StandardWebhookVerifier?
        /// The name of the tenant its events belong to.
        public var tenantName: String
    }

    /// The listening port (`SWITCHYARD_HTTP_PORT`, default 8080).
    public var port: Int
    /// The largest accepted body in bytes (`SWITCHYARD_HTTP_BODY_LIMIT`, default 256 KiB).
    public var bodyLimit: Int
    /// Requests per second per API key, sustained (`SWITCHYARD_API_RATE`, default 50).
    public var apiRate: Int
    /// Requests per API key in a burst (`SWITCHYARD_API_BURST`, default 100).
    public var apiBurst: Int
    /// Failed authentications per second per client address, sustained
    /// (`SWITCHYARD_AUTH_FAILURE_RATE`, default 2); beyond it the address gets 429.
    public var authFailureRate: Int
    /// Failed authentications per client address in a burst (`SWITCHYARD_AUTH_FAILURE_BURST`,
    /// default 20).
    public var authFailureBurst: Int
    /// Open Server-Sent Event streams per tenant (`SWITCHYARD_SSE_MAX_PER_TENANT`, default 100);
    /// beyond it a new stream is 429.
    public var sseMaxPerTenant: Int
    /// The Server-Sent Event streams' heartbeat and polls (`SWITCHYARD_SSE_HEARTBEAT`,
    /// `SWITCHYARD_SSE_POLL_MS`).
    public var liveUpdates: LiveUpdateSettings
    /// Seconds an HTTP connection may stay idle (no request in progress) before the server
    /// closes it (`SWITCHYARD_HTTP_IDLE_TIMEOUT`, default 60).
    public var idleTimeout: Int
    /// Seconds a request waits for a database connection before it is answered 503 with
    /// `Retry-After` (`SWITCHYARD_DATABASE_ACQUIRE_TIMEOUT`, default 5).
    public var databaseAcquireTimeout: Int
    /// Seconds a request waits for the broker to confirm its events before it is answered 503
    /// `unavailable` with `Retry-After` and its receipt or idempotency key is rolled back
    /// (`SWITCHYARD_PUBLISH_CONFIRM_TIMEOUT`, default 5): a broker under a resource alarm reads
    /// nothing from publishers.
    public var publishConfirmTimeout: Int
    /// Whether tenants' keys may send the diagnostic `probe.run` (`SWITCHYARD_ALLOW_PROBE_EVENTS=1`;
    /// default off).
    public var allowProbeEvents: Bool
    /// Per source: `SWITCHYARD_WEBHOOK_SECRET_<SOURCE>` (comma-separated `whsec_…`) and
    /// `SWITCHYARD_WEBHOOK_TENANT_<SOURCE>` (default `default`).
    public var webhooks: [WebhookSource: WebhookSettings]

    /// Reads and validates the settings.
    /// - Throws: ``ConfigurationError`` naming the variable.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        let variables = ConfigurationVariables(environment)
        port = try variables.integer("SWITCHYARD_HTTP_PORT", default: 8080, in: 1...65_535)
        bodyLimit = try variables.integer("SWITCHYARD_HTTP_BODY_LIMIT", default: 256 * 1024, in: 1...(64 * 1024 * 1024))
        apiRate = try variables.integer("SWITCHYARD_API_RATE", default: 50, in: 1...1_000_000)
        apiBurst = try variables.integer("SWITCHYARD_API_BURST", default: 100, in: 1...1_000_000)
        authFailureRate = try variables.integer("SWITCHYARD_AUTH_FAILURE_RATE", default: 2, in: 1...1_000_000)
        authFailureBurst = try variables.integer("SWITCHYARD_AUTH_FAILURE_BURST", default: 20, in: 1...1_000_000)
        sseMaxPerTenant = try variables.integer("SWITCHYARD_SSE_MAX_PER_TENANT", default: 100, in: 1...100_000)
        liveUpdates = try LiveUpdateSettings(environment: environment)
        idleTimeout = try HTTPIdleTimeout.seconds(variables)
        databaseAcquireTimeout = try variables.integer("SWITCHYARD_DATABASE_ACQUIRE_TIMEOUT", default: 5, in: 1...300)
        publishConfirmTimeout = try variables.integer("SWITCHYARD_PUBLISH_CONFIRM_TIMEOUT", default: 5, in: 1...300)
        allowProbeEvents = try variables.flag("SWITCHYARD_ALLOW_PROBE_EVENTS", default: false)
        var webhooks: [WebhookSource: WebhookSettings] = [:]
        for source in WebhookSource.allCases {
            let secretVariable = "SWITCHYARD_WEBHOOK_SECRET_\(source.rawValue.uppercased())"
            var verifier: StandardWebhookVerifier?
            if let list = environment[secretVariable] {
                let secrets = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard !secrets.isEmpty else {
                    throw ConfigurationError(variable: secretVariable, problem: "set but empty; give whsec_<base64>[,whsec_<base64>...] or unset it")
                }
                do {
                    verifier = try StandardWebhookVerifier(secrets: secrets)
                } catch {
                    throw ConfigurationError(
                        variable: secretVariable, problem: "secret #\(error.index + 1) is not whsec_ followed by base64")
                }
            }
            let tenantVariable = "SWITCHYARD_WEBHOOK_TENANT_\(source.rawValue.uppercased())"
            let tenant = environment[tenantVariable]?.trimmingCharacters(in: .whitespaces) ?? "default"
            guard !tenant.isEmpty else {
                throw ConfigurationError(variable: tenantVariable, problem: "set but empty; give a tenant name or unset it")
            }
            guard TenantName.isValid(tenant) else {
                throw ConfigurationError(variable: tenantVariable, problem: "expected a tenant's name (\(TenantName.rule)), got '\(tenant)'")
            }
            webhooks[source] = WebhookSettings(verifier: verifier, tenantName: tenant)
        }
        self.webhooks = webhooks
    }
}
