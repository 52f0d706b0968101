// The pool as a swift-service-lifecycle Service: it closes when graceful shutdown reaches it.

public import ServiceLifecycle

/// A pool in a `ServiceGroup` stays open until graceful shutdown reaches it, then closes: list
/// it before the services that use it, so that they stop first (PostgresNIO's client does the
/// same).
extension PostgresPool: Service {
    /// Waits for graceful shutdown (or cancellation), then closes the pool.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
