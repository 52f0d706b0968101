// Connection settings, parsed from an `amqp://user:pass@host:port/vhost` URL.

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

        /// Parses an AMQP URL: `amqp://user:password@host:port/vhost?heartbeat=30&connection_timeout=10`.
        ///
        /// User, password and vhost are percent-decoded (`/%2F` is the vhost `/`); an absent
        /// path is the vhost `/`, as RabbitMQ's URI spec says.
        /// - Throws: ``AMQPError`` with code `invalidConfiguration` saying what is wrong.
        public init(url: String, connectionName: String? = nil) throws(AMQPError) {
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

        /// The URL with its password replaced by `***` (everything between `//` and `@` when it
        /// doesn't parse), for messages and logs.
        public static func redacted(_ url: String) -> String {
            Redaction.url(url)
        }
    }
}
