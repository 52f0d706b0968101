// A pipeline's API controller: what it serves its routes with comes from the RouteContext.

public import Logging
public import SwitchyardAPI
public import SwitchyardPostgres

/// A controller of a pipeline's routes, built from the ingress's ``RouteContext``: conform,
/// store `context`, and use `pool`, `authentication`, `creation`, `bodyLimit` and `logger`.
public protocol RouteController: Sendable {
    /// What the ingress gave the pipeline.
    var context: RouteContext { get }
}

extension RouteController {
    /// The database, for tenant queries.
    public var pool: PostgresPool { context.pool }
    /// Who the caller is.
    public var authentication: CallerAuthentication { context.authentication }
    /// Creating resources with their idempotency key and first message.
    public var creation: IdempotentCreation { context.creation }
    /// The largest accepted request body, in bytes.
    public var bodyLimit: Int { context.bodyLimit }
    /// Where to log.
    public var logger: Logger { context.logger }
}
