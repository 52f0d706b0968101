// Opening the TCP connection and the AMQP session, and turning rabbitmq-c replies into errors.

internal import CSwitchyardAMQP
import Foundation

extension ConnectionLoop {
    /// Connects and logs in to a node that answers, trying the configuration's nodes in random
    /// order (a cluster's nodes share the load, and a lost node is skipped); a refused login
    /// ends the attempt at once (the nodes share their users). Runs on the loop thread before
    /// the loop starts.
    func open() throws(AMQPError) {
        var lastError = AMQPError(.connectionFailed, "no broker node to connect to")
        for node in configuration.nodes.shuffled() {
            do {
                try open(node)
                return
            } catch where error.code == .accessRefused {
                throw error
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// Connects and logs in to `node`.
    private func open(_ node: AMQPConnection.Configuration.Node) throws(AMQPError) {
        let configuration = configuration
        let endpoint = node.description
        guard let connection = amqp_new_connection() else {
            throw AMQPError(.connectionFailed, "could not allocate a connection to \(endpoint)")
        }
        guard let socket = amqp_tcp_socket_new(connection) else {
            amqp_destroy_connection(connection)
            throw AMQPError(.connectionFailed, "could not allocate a socket for \(endpoint)")
        }
        var timeout = timeval(seconds: configuration.connectTimeout)
        let status = amqp_socket_open_noblock(socket, node.host, Int32(node.port), &timeout)
        guard status == AMQP_STATUS_OK.rawValue else {
            amqp_destroy_connection(connection)
            throw AMQPError(
                .connectionFailed,
                "could not connect to \(endpoint): \(Self.describe(status))",
                libraryStatus: status
            )
        }
        amqp_set_handshake_timeout(connection, &timeout)
        var properties = scratch.table([
            "connection_name": .string(configuration.connectionName ?? "switchyard"),
            "capabilities": .table([
                "publisher_confirms": true,
                "basic.nack": true,
                "consumer_cancel_notify": true,
                "connection.blocked": true,
                "authentication_failure_close": true,
            ]),
        ])
        let reply = sy_amqp_login_plain(
            connection, configuration.virtualHost, 0, Int32(configuration.frameMax),
            Int32(configuration.heartbeat), &properties, configuration.user, configuration.password
        )
        scratch.recycle()
        self.connection = connection
        if let error = rpcError(reply, channel: 0, doing: "logging in to \(endpoint) as '\(configuration.user)' (vhost '\(configuration.virtualHost)')") {
            if let connection = self.connection { amqp_destroy_connection(connection) }
            self.connection = nil
            if error.replyCode == 403 || error.replyCode == 530 {
                throw AMQPError(.accessRefused, error.message, replyCode: error.replyCode)
            }
            throw AMQPError(.connectionFailed, error.message, replyCode: error.replyCode, libraryStatus: error.libraryStatus)
        }
        if let rpcTimeout = configuration.rpcTimeout {
            var timeout = timeval(rpcTimeout)
            amqp_set_rpc_timeout(connection, &timeout)
        }
        keepSocketCopy()
    }

    /// The error an RPC reply stands for, or nil when it succeeded.
    ///
    /// A broker `channel.close` is answered with `close-ok` and closes the channel's state; a
    /// broker `connection.close` or a library failure ends the connection (recorded in
    /// ``failure``, acted on by the loop).
    func rpcError(_ reply: amqp_rpc_reply_t, channel: UInt16, doing what: String) -> AMQPError? {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return nil
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            switch reply.reply.id {
            case SY_CHANNEL_CLOSE:
                let close = reply.reply.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                let error = AMQPError(
                    .channelClosed, "\(what): \(String(copying: close.reply_text))", replyCode: close.reply_code)
                channelClosedByBroker(channel, error)
                return error
            case SY_CONNECTION_CLOSE:
                let close = reply.reply.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                let error = AMQPError(
                    .connectionClosed, "\(what): \(String(copying: close.reply_text))", replyCode: close.reply_code)
                connectionClosedByBroker(error)
                return error
            default:
                let error = AMQPError(.protocolError, "\(what): unexpected method \(reply.reply.id) from the broker")
                failure = failure ?? error
                return error
            }
        default:
            let status = reply.library_error
            // rabbitmq-c closes the socket of an RPC that timed out.
            let why = if status == AMQP_STATUS_TIMEOUT.rawValue, let timeout = configuration.rpcTimeout {
                "the broker did not answer within \(timeout); the connection was closed"
            } else {
                Self.describe(status)
            }
            let error = AMQPError(.connectionClosed, "\(what): \(why)", libraryStatus: status)
            failure = failure ?? error
            return error
        }
    }

    /// Answers a broker `channel.close` and ends the channel.
    func channelClosedByBroker(_ number: UInt16, _ error: AMQPError) {
        if let connection {
            var ok = amqp_channel_close_ok_t()
            let status = amqp_send_method(connection, number, SY_CHANNEL_CLOSE_OK, &ok)
            if status != AMQP_STATUS_OK.rawValue {
                failure = failure ?? libraryFailure(status, "answering channel.close")
            }
        }
        channels.removeValue(forKey: number)?.end(error, finishConsumersCleanly: false)
    }

    /// Answers a broker `connection.close`; the loop then ends the connection.
    func connectionClosedByBroker(_ error: AMQPError) {
        if let connection {
            var ok = amqp_connection_close_ok_t()
            _ = amqp_send_method(connection, 0, SY_CONNECTION_CLOSE_OK, &ok)
        }
        failure = failure ?? error
    }

    /// A connection-ending error for a failed rabbitmq-c call.
    func libraryFailure(_ status: Int32, _ what: String) -> AMQPError {
        AMQPError(.connectionClosed, "\(what): \(Self.describe(status))", libraryStatus: status)
    }

    /// rabbitmq-c's text for a status code.
    static func describe(_ status: Int32) -> String {
        String(cString: amqp_error_string2(status))
    }
}

extension timeval {
    init(seconds: Double) {
        let whole = seconds.rounded(.down)
        self.init(tv_sec: Int(whole), tv_usec: Int((seconds - whole) * 1_000_000))
    }

    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
