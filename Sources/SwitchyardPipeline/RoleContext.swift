// What a pipeline's roles are built from in a worker process.

public import Foundation
public import Logging
public import Switchyard
public import SwitchyardPostgres

/// What a worker process gives the pipelines to build their roles from.
public struct RoleContext: Sendable {
    /// The database (the process's pool).
    public var pool: PostgresPool
    /// The broker topology (roles' handler deadlines, queues).
    public var topology: Topology
    /// The process's environment, for the pipelines' own `SWITCHYARD_*` settings.
    public var environment: [String: String]
    /// Where to log.
    public var logger: Logger

    /// Creates a context.
    public init(
        pool: PostgresPool, topology: Topology, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger
    ) {
        self.pool = pool
        self.topology = topology
        self.environment = environment
        self.logger = logger
    }
}
