// The request context of every ingress route: Hummingbird's core context and the client's
// address, which failed-authentication limits are counted against.

public import Hummingbird
public import NIOCore

/// Hummingbird's per-request context with the connected client's address.
public struct IngressRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's core context storage.
    public var coreContext: CoreRequestContextStorage
    /// The connected client's socket address.
    public let remoteAddress: SocketAddress?
    /// The client's connection, for answers that write as fast as it takes them
    /// (``APIResponse/json(_:status:holding:draining:floor:)``).
    public let channel: any Channel

    /// Creates the context of one request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The client's IP address (without the port), or `unknown`.
    public var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }
}
