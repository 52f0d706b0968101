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

    /// Creates the context of one request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address (without the port), or `unknown`.
    public var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }
}
