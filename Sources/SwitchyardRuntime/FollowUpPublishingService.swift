// A follow-up publisher as a service of its own, for a process whose connection outlives any
// session (the ingress).

public import ServiceLifecycle

/// Runs a ``FollowUpPublisher`` until graceful shutdown reaches it, then publishes what was
/// handed over and returns once every publish has its confirm and its mark. Services stop in
/// reverse order: list it after the connection it publishes on and before the services that
/// hand it rows.
public struct FollowUpPublishingService: Service {
    private let publisher: FollowUpPublisher

    /// Creates the service.
    /// - Parameter publisher: The publisher to run.
    public init(_ publisher: FollowUpPublisher) {
        self.publisher = publisher
    }

    public func run() async throws {
        let publisher = publisher
        try await withGracefulShutdownHandler {
            try await publisher.run()
        } onGracefulShutdown: {
            publisher.finish()
        }
    }
}
