// What a pipeline's API routes are built from in the ingress.

public import Foundation
public import Logging
public import SwitchyardAPI
public import SwitchyardPostgres

/// What the ingress gives the pipelines to serve their routes with.
public struct RouteContext: Sendable {
    /// The database, for tenant queries (``SwitchyardAPI`` runs them as the tenant).
    public var pool: PostgresPool
    /// Who the caller is.
    public var authentication: CallerAuthentication
    /// Creating resources with their idempotency key and first message.
    public var creation: IdempotentCreation
    /// The largest accepted request body, in bytes.
    public var bodyLimit: Int
    /// The process's environment, for the pipelines' own `SWITCHYARD_*` settings.
    public var environment: [String: String]
    /// Where to log.
    public var logger: Logger

    /// Creates a context.
    public init(
        pool: PostgresPool, authentication: CallerAuthentication, creation: IdempotentCreation, bodyLimit: Int,
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger
    ) {
        self.pool = pool
        self.authentication = authentication
        self.creation = creation
        self.bodyLimit = bodyLimit
        self.environment = environment
        self.logger = logger
    }
}
