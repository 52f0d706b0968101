// Connection settings, parsed from an `amqp://user:pass@host:port/vhost` URL (or a
// comma-separated list of them: the nodes of a cluster).

import Foundation
import SwitchyardCore

extension AMQPConnection {
    /// Where and how to connect.
    public struct Configuration: Sendable, Hashable {
        /// Broker host name or address.
        public var host: String
        /// Broker port.
        public var port: Int
        /// User name (SASL PLAIN).
        public var user: String
        /// Password (SASL PLAIN).
        public var password: String
        /// Virtual host.
        public var virtualHost: String
        /// Heartbeat interval in seconds proposed to the broker; 0 disables heartbeats.
        public var heartbeat: Int
        /// Largest frame in bytes.
        public var frameMax: Int
        /// Time allowed for the TCP connect and the AMQP handshake, in seconds.
        public var connectTimeout: Double
        /// Name shown for this connection in the management UI.
        public var connectionName: String?
        /// The cluster's other nodes (same credentials and vhost); empty for one broker.
        public var otherNodes: [Node] = []
        /// The largest message body, in bytes, this connection publishes or keeps. A larger
        /// publish fails alone with ``AMQPError/Code/invalidMessage``; a larger delivery is read
        /// past and arrives with an empty body and its size in
        /// ``AMQPDelivery/omittedBodySize``, so that no producer can make a consumer hold more
        /// than its prefetch times this limit.
        public var messageLimit = Self.defaultMessageLimit
        /// How long a publish on a confirm channel waits, from its hand-over, for the broker's
        /// ack or nack before it fails with ``AMQPError/Code/confirmTimeout`` (noticed within
        /// about a quarter of a second after it, also while the loop waits for a broker that
        /// reads nothing to take its bytes; a publish not yet written then fails without being
        /// sent); nil waits as long as the connection lives. A broker under a
        /// resource alarm reads nothing from publishers, and one that is overloaded can take
        /// tens of seconds: a caller that answers someone (the ingress) needs a bound. The
        /// broker may still take a message that timed out, so publish with a message id that
        /// consumers deduplicate. A late ack for it is ignored; the channel stays usable.
        public var confirmTimeout: Duration?
        /// How long a publish on a confirm channel may still wait for its confirm once the
        /// broker has blocked the connection (`connection.blocked`, a resource alarm) before it
        /// fails with ``AMQPError/Code/blocked``; nil waits as ``confirmTimeout`` allows. A
        /// blocked connection's publishes are confirmed only once the alarm clears, so without
        /// this a caller holding the first publishes under an alarm waits out the whole
        /// timeout. The ones the broker took before it blocked are confirmed in this time as
        /// usual; the rest may still be taken after the alarm (publish with a message id that
        /// consumers deduplicate). Noticed within about a quarter of a second after it; a
        /// connection waiting in a write reads nothing, `connection.blocked` included, and
        /// keeps only ``confirmTimeout``.
        public var blockedConfirmWait: Duration?
        /// How long a synchronous method (opening a channel, a declare, a bind, a consume, a
        /// `basic.get`, a cancel) waits for the broker's answer before the connection is given
        /// up (closed, failing with ``AMQPError/Code/connectionClosed``); nil waits as long as
        /// heartbeats arrive. A broker whose queue stalls (a quorum queue that lost its quorum)
        /// may answer a consume only after a minute, or never, while the connection's thread
        /// can do nothing else: its other channels' deliveries, confirms and publishes wait
        /// too. URL parameter `rpc_timeout` (milliseconds; 0: none).
        public var rpcTimeout: Duration? = Self.defaultRPCTimeout

        /// 16 MiB: the `max_message_size` that `scripts/services` and the deploy files give
        /// RabbitMQ (whose own default is 128 MiB).
        public static let defaultMessageLimit = 16 * 1024 * 1024

        /// 30 s: far longer than any method takes on a healthy broker (a quorum queue's declare
        /// on a loaded cluster takes a few seconds).
        public static let defaultRPCTimeout = Duration.seconds(30)

        /// A broker node's address.
        public struct Node: Sendable, Hashable, CustomStringConvertible {
            /// Host name or address.
            public var host: String
            /// Port.
            public var port: Int

            /// Creates an address.
            public init(host: String, port: Int) {
                self.host = host
                self.port = port
            }

            public var description: String { "\(host):\(port)" }
        }

        /// Every node to try, ``host``:``port`` first.
        public var nodes: [Node] {
            [Node(host: host, port: port)] + otherNodes
        }

        /// Creates a configuration from parts.
        public init(
            host: String = "127.0.0.1",
            port: Int = 5672,
            user: String = "guest",
            password: String = "guest",
            virtualHost: String = "/",
            heartbeat: Int = 30,
            frameMax: Int = 131_072,
            connectTimeout: Double = 10,
            connectionName: String? = nil
        ) {
            self.host = host
            self.port = port
            self.user = user
            self.password = password
            self.virtualHost = virtualHost
            self.heartbeat = heartbeat
            self.frameMax = frameMax
            self.connectTimeout = connectTimeout
            self.connectionName = connectionName
        }

        /// Parses an AMQP URL: `amqp://user:password@host:port/vhost?heartbeat=30&connection_timeout=10000&rpc_timeout=30000`,
        /// or a comma-separated list of such URLs, one per node of a cluster, which must agree on
        /// everything but host and port (a connection goes to a node that answers, tried in
        /// random order).
        ///
        /// User, password and vhost are percent-decoded (`/%2F` is the vhost `/`); an absent
        /// path is the vhost `/`, as RabbitMQ's URI spec says.
        /// - Throws: ``AMQPError`` with code `invalidConfiguration` saying what is wrong.
        public init(url: String, connectionName: String? = nil) throws(AMQPError) {
            let urls = url.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard urls.count > 1 else {
                try self.init(nodeURL: url, connectionName: connectionName)
                return
            }
            let first = try Configuration(nodeURL: urls[0], connectionName: connectionName)
            self = first
            for (index, other) in urls.enumerated().dropFirst() {
                let node = try Configuration(nodeURL: other, connectionName: connectionName)
                var sameAddress = node
                sameAddress.host = first.host
                sameAddress.port = first.port
                guard sameAddress == first else {
                    throw AMQPError(
                        .invalidConfiguration,
                        "invalid AMQP URL list '\(Configuration.redacted(url))': node \(index + 1) has other credentials, vhost or "
                            + "parameters than node 1; the nodes of a cluster differ only in host and port")
                }
                otherNodes.append(Node(host: node.host, port: node.port))
            }
        }

        /// Parses one node's URL.
        private init(nodeURL url: String, connectionName: String?) throws(AMQPError) {
            func invalid(_ why: String) -> AMQPError {
                AMQPError(.invalidConfiguration, "invalid AMQP URL '\(Configuration.redacted(url))': \(why)")
            }
            guard let components = URLComponents(string: url) else { throw invalid("not a URL") }
            guard components.scheme == "amqp" else {
                throw invalid("expected the scheme amqp://, got \(components.scheme.map { "\($0)://" } ?? "none")")
            }
            guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
            self.init(host: host, connectionName: connectionName)
            if let port = components.port {
                guard (1...65_535).contains(port) else { throw invalid("port \(port) is out of range") }
                self.port = port
            }
            if let user = components.user { self.user = user.removingPercentEncoding ?? user }
            if let password = components.password { self.password = password.removingPercentEncoding ?? password }
            let path = components.percentEncodedPath
            if !path.isEmpty {
                let vhost = String(path.dropFirst())
                guard !vhost.contains("/") else { throw invalid("the vhost must be one path segment (write / as %2F)") }
                virtualHost = vhost.removingPercentEncoding ?? vhost
            }
            for item in components.queryItems ?? [] {
                switch item.name {
                case "heartbeat":
                    guard let seconds = item.value.flatMap(Int.init), seconds >= 0 else {
                        throw invalid("heartbeat must be a whole number of seconds")
                    }
                    heartbeat = seconds
                case "connection_timeout":
                    guard let millis = item.value.flatMap(Double.init), millis > 0 else {
                        throw invalid("connection_timeout must be a positive number of milliseconds")
                    }
                    connectTimeout = millis / 1000
                case "rpc_timeout":
                    guard let millis = item.value.flatMap(Int.init), millis >= 0 else {
                        throw invalid("rpc_timeout must be a whole number of milliseconds (0: none)")
                    }
                    rpcTimeout = millis == 0 ? nil : .milliseconds(millis)
                case "frame_max":
                    guard let size = item.value.flatMap(Int.init), size >= 4096 else {
                        throw invalid("frame_max must be at least 4096")
                    }
                    frameMax = size
                default:
                    throw invalid("unknown query parameter '\(item.name)'")
                }
            }
        }

        /// The URL (or each URL of a list) with its password replaced by `***` (everything
        /// between `//` and `@` when it doesn't parse), for messages and logs.
        public static func redacted(_ url: String) -> String {
            url.split(separator: ",", omittingEmptySubsequences: false).map { Redaction.url(String($0)) }.joined(separator: ",")
        }
    }
}
