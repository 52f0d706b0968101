// The thread that owns one rabbitmq-c connection: it runs queued commands (publishes, acks,
// RPCs) and reads frames (deliveries, confirms, returns, closes) in one loop, so the C
// connection is only ever touched by this thread and never by Swift's cooperative pool.

internal import CSwitchyardAMQP
import Foundation
import SwitchyardConcurrency
import Synchronization

/// Work handed to the loop thread.
enum LoopCommand: Sendable {
    /// Publish one message; the waiter hears the broker's confirm (or the write, without
    /// confirms). `deadline`: when it fails with `confirmTimeout` unless confirmed (the
    /// connection's confirm timeout from the hand-over; nil: never).
    case publish(channel: UInt16, message: AMQPOutgoingMessage, waiter: PublishWaiter, deadline: ContinuousClock.Instant?)
    /// Publish messages in order; each outcome goes to its slot of the batch.
    case publishBatch(channel: UInt16, messages: [AMQPOutgoingMessage], batch: PublishBatch, deadline: ContinuousClock.Instant?)
    /// Settle a delivery.
    case settle(channel: UInt16, deliveryTag: UInt64, settlement: Settlement)
    /// Run a closure on the loop thread (RPCs: declares, consume, get, close, ...), after the
    /// frames laid out before it are written.
    case perform(@Sendable (ConnectionLoop) -> Void)
}

/// How a delivery is settled.
enum Settlement: Sendable {
    case ack(multiple: Bool)
    case nack(multiple: Bool, requeue: Bool)
    case reject(requeue: Bool)
}

/// Owns a rabbitmq-c connection and the thread that drives it.
///
/// `@unchecked Sendable`: `shared` is behind a `Mutex`; every other stored property is touched
/// only by the loop thread (commands reach it through `shared`), which is the invariant that
/// makes rabbitmq-c's single-threaded connection safe to use from many tasks.
final class ConnectionLoop: @unchecked Sendable {
    private struct Shared {
        var commands: [LoopCommand] = []
        var sleeping = false
        var closed: AMQPError?
        /// The reason of the broker's `connection.blocked` and when it first came, until its
        /// `connection.unblocked`.
        var blocked: (reason: String, since: ContinuousClock.Instant)?
        /// A descriptor of its own for the connection's socket while the connection is open,
        /// for ``shutDownSocket()``: rabbitmq-c may close its own descriptor at any time (an
        /// RPC that timed out), after which its number may belong to another file.
        var socketCopy: Int32?
    }

    private let shared = Mutex(Shared())
    private let wakeDescriptor: Int32
    let configuration: AMQPConnection.Configuration

    // Loop thread only.
    var connection: amqp_connection_state_t?
    let scratch = ScratchPool()
    var channels: [UInt16: ChannelState] = [:]
    /// A failure that ends the connection, noticed while running a command or reading frames.
    var failure: AMQPError?
    /// Why the connection ended, once it has.
    private(set) var closedError: AMQPError?
    private var nextChannel: UInt16 = 1
    private var nextConsumerTag: UInt64 = 1
    private var batch: [LoopCommand] = []
    /// Channels with single acks collected in this turn.
    private var acksCollected: [UInt16] = []
    /// The turn's publishes and settlements, written together.
    let outgoing = OutgoingFrames()
    /// Publishes without confirms, told when their frames are written.
    private var awaitingWrite: [PublishWaiter] = []
    /// When the loop next looks for publishes past the confirm timeout.
    private var nextConfirmExpiry = ContinuousClock.now
    /// The publishes of the batch being laid out that are not laid out yet, while they have a
    /// deadline (see ``publishBatch(_:on:batch:deadline:)``).
    var unsentBatchRest: UnsentBatchRest?

    init(configuration: AMQPConnection.Configuration) {
        self.configuration = configuration
        wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
    }

    deinit {
        close(wakeDescriptor)
    }

    /// Connects on a new thread and, once connected, keeps that thread running the loop.
    /// - Throws: ``AMQPError`` (`connectionFailed`, `accessRefused`) when the connection fails.
    func start() async throws {
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
            NamedThread.start(name: "amqp \(configuration.port)") { [self] in
                do throws(AMQPError) {
                    try self.open()
                } catch {
                    self.shared.withLock { $0.closed = error }
                    continuation.resume(throwing: error)
                    return
                }
                continuation.resume()
                self.run()
            }
        }
    }

    /// Hands a command to the loop thread.
    /// - Throws: The error that closed the connection, if it is closed.
    func submit(_ command: LoopCommand) throws(AMQPError) {
        let wake = try shared.withLock { (shared: inout Shared) throws(AMQPError) -> Bool in
            if let closed = shared.closed { throw closed }
            shared.commands.append(command)
            defer { shared.sleeping = false }
            return shared.sleeping
        }
        if wake {
            var one: UInt64 = 1
            _ = write(wakeDescriptor, &one, MemoryLayout<UInt64>.size)
        }
    }

    /// Runs `body` on the loop thread and returns its result.
    /// - Throws: What `body` throws, or the error that closed the connection.
    func call<T: Sendable>(_ body: @escaping @Sendable (ConnectionLoop) throws(AMQPError) -> T) async throws -> T {
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<T, any Error>) in
            do {
                try submit(.perform { loop in
                    guard loop.connection != nil else {
                        continuation.resume(throwing: loop.closedError ?? AMQPError(.connectionClosed, "connection closed"))
                        return
                    }
                    do throws(AMQPError) {
                        continuation.resume(returning: try body(loop))
                    } catch {
                        continuation.resume(throwing: error)
                    }
                })
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// When a publish handed over now times out unconfirmed: nil without a confirm timeout.
    func confirmDeadline() -> ContinuousClock.Instant? {
        configuration.confirmTimeout.map { ContinuousClock.now + $0 }
    }

    /// Why the broker blocks the connection's publishes, while it does and the connection is
    /// open (a closed connection is blocked no more: its user connects anew).
    var blockedReason: String? { shared.withLock { $0.closed == nil ? $0.blocked?.reason : nil } }

    /// Records the broker's `connection.blocked` (with its reason) or `connection.unblocked`
    /// (nil); a second `connection.blocked` keeps the time of the first.
    func noteBlocked(_ reason: String?) {
        let now = ContinuousClock.now
        shared.withLock { shared in
            shared.blocked = reason.map { (reason: $0, since: shared.blocked?.since ?? now) }
        }
    }

    /// Whether the connection is still usable.
    var isOpen: Bool {
        shared.withLock { $0.closed == nil }
    }

    /// Keeps a descriptor of its own for the socket just opened (loop thread).
    func keepSocketCopy() {
        guard let connection else { return }
        let copy = fcntl(amqp_get_sockfd(connection), F_DUPFD_CLOEXEC, 0)
        shared.withLock { $0.socketCopy = copy >= 0 ? copy : nil }
    }

    /// Shuts the socket down from any thread, so that a loop thread waiting for the broker (an
    /// RPC it doesn't answer, a write it doesn't read) fails at once and ends the connection.
    func shutDownSocket() {
        shared.withLock { shared in
            if let copy = shared.socketCopy { _ = shutdown(copy, Int32(SHUT_RDWR)) }
        }
    }

    // MARK: - The loop

    private func run() {
        while connection != nil {
            let worked = runCommands()
            guard connection != nil else { break }
            var read = 0
            if failure == nil {
                do throws(AMQPError) {
                    read = try readFrames()
                } catch {
                    failure = error
                }
            }
            if let failure {
                tearDown(failure)
                break
            }
            if expiresConfirms { expireConfirms() }
            if !worked && read == 0 {
                waitForActivity()
            }
        }
    }

    private func runCommands() -> Bool {
        shared.withLock { swap(&$0.commands, &batch) }
        guard !batch.isEmpty else { return false }
        // After a teardown the rest of the batch still runs: each command then fails with
        // the error that ended the connection.
        for command in batch {
            // Single acks wait for the end of the turn (or for the next other command, which
            // may depend on them: a close, a nack) and go out as few frames as possible.
            if case .settle(let channel, let tag, .ack(multiple: false)) = command,
               let state = channels[channel], state.closeError == nil {
                state.acks.collect(tag)
                if !acksCollected.contains(channel) { acksCollected.append(channel) }
                continue
            }
            sendCollectedAcks()
            execute(command)
            if let failure, connection != nil {
                tearDown(failure)
            }
        }
        sendCollectedAcks()
        writeFrames()
        if let failure, connection != nil {
            tearDown(failure)
        }
        batch.removeAll(keepingCapacity: true)
        return true
    }

    /// The connection's socket, while the connection is open.
    var socket: Int32? { connection.map { amqp_get_sockfd($0) } }

    /// Writes the frames laid out so far with one `send`; a failure ends the connection.
    func writeFrames() {
        // After a failed write the connection is being given up: nothing more goes out.
        guard failure == nil, !outgoing.isEmpty, let socket else { return }
        do throws(AMQPError) {
            // While the broker takes nothing (a resource alarm), publishes keep their deadlines:
            // the loop can't run its turns, so it expires them between waits for room.
            try outgoing.write(to: socket, timeout: .seconds(max(30, configuration.heartbeat * 2))) {
                if expiresConfirms { expireConfirms() }
                guard let timeout = configuration.confirmTimeout else { return }
                expireQueuedPublishes(timeout)
                expireUnsentBatchRest(timeout)
            }
        } catch {
            failure = failure ?? closeLeftUnread() ?? error
            return
        }
        let written = awaitingWrite
        awaitingWrite.removeAll(keepingCapacity: true)
        for waiter in written { waiter.resolve(.success(())) }
    }

    /// After a failed write, the broker's `connection.close` if it arrived before the socket
    /// broke: the broker closes the socket right after sending it, so a write can fail
    /// (connection reset) before the loop has read the close that says why.
    private func closeLeftUnread() -> AMQPError? {
        _ = try? readFrames()
        return failure
    }

    /// Tells `waiter` when the frames just laid out are written.
    func awaitWrite(_ waiter: PublishWaiter) {
        awaitingWrite.append(waiter)
    }

    private func sendCollectedAcks() {
        guard !acksCollected.isEmpty else { return }
        for channel in acksCollected {
            guard let state = channels[channel] else { continue }
            for frame in state.acks.flush() {
                settle(frame.tag, .ack(multiple: frame.multiple), on: channel, noting: false)
            }
        }
        acksCollected.removeAll(keepingCapacity: true)
    }

    private func execute(_ command: LoopCommand) {
        switch command {
        case .publish(let channel, let message, let waiter, let deadline):
            publish(message, on: channel, waiter: waiter, deadline: deadline)
        case .publishBatch(let channel, let messages, let batch, let deadline):
            publishBatch(messages, on: channel, batch: batch, deadline: deadline)
        case .settle(let channel, let tag, let settlement):
            settle(tag, settlement, on: channel)
        case .perform(let body):
            // rabbitmq-c writes the closure's frames itself: the ones laid out before go first.
            writeFrames()
            if let failure, connection != nil { tearDown(failure) }
            body(self)
        }
    }

    /// How often the loop looks for publishes past the confirm timeout, at most (it also
    /// sleeps at most a quarter of a second).
    private static let confirmExpiryInterval = Duration.milliseconds(50)

    /// Whether publishes awaiting their confirm can fail before it: the configuration bounds
    /// their wait.
    private var expiresConfirms: Bool {
        configuration.confirmTimeout != nil || configuration.blockedConfirmWait != nil
    }

    /// Fails the publishes that waited longer than the confirm timeout for their confirm, and
    /// every one still waiting once the broker has blocked the connection for longer than
    /// ``AMQPConnection/Configuration/blockedConfirmWait``.
    private func expireConfirms() {
        let now = ContinuousClock.now
        guard now >= nextConfirmExpiry else { return }
        nextConfirmExpiry = now + Self.confirmExpiryInterval
        if let timeout = configuration.confirmTimeout {
            let error = AMQPError.confirmTimedOut(after: timeout, sent: true)
            for state in channels.values where state.confirmMode {
                state.expireConfirms(at: now, failingWith: error)
            }
        }
        if let wait = configuration.blockedConfirmWait,
           let blocked = shared.withLock({ $0.blocked }), blocked.since + wait <= now {
            let error = AMQPError.blockedUnconfirmed(reason: blocked.reason, after: wait)
            for state in channels.values where state.confirmMode {
                state.failPending(with: error)
            }
        }
    }

    /// Fails the publishes handed over but not yet laid out whose deadline has passed: they
    /// were never sent. They wait only while the loop is stuck in a write; each turn takes all.
    private func expireQueuedPublishes(_ timeout: Duration) {
        let now = ContinuousClock.now
        let expired = shared.withLock { shared -> [LoopCommand] in
            var expired: [LoopCommand] = []
            shared.commands.removeAll { command in
                switch command {
                case .publish(_, _, _, let deadline?) where deadline <= now, .publishBatch(_, _, _, let deadline?) where deadline <= now:
                    expired.append(command)
                    return true
                default:
                    return false
                }
            }
            return expired
        }
        let error = AMQPError.confirmTimedOut(after: timeout, sent: false)
        for command in expired {
            switch command {
            case .publish(_, _, let waiter, _):
                waiter.resolve(.failure(error))
            case .publishBatch(_, let messages, let batch, _):
                batch.fail(messages.indices, with: error)
            case .settle, .perform:
                break
            }
        }
    }

    /// Sleeps until the socket is readable, a command arrives or the poll interval passes
    /// (the interval keeps heartbeats flowing while idle).
    private func waitForActivity() {
        guard let connection else { return }
        let mustStayAwake = shared.withLock { shared -> Bool in
            if !shared.commands.isEmpty { return true }
            shared.sleeping = true
            return false
        }
        if mustStayAwake { return }
        if amqp_frames_enqueued(connection) == 0 && amqp_data_in_buffer(connection) == 0 {
            let woken = withUnsafeTemporaryAllocation(of: pollfd.self, capacity: 2) { descriptors in
                descriptors[0] = pollfd(fd: amqp_get_sockfd(connection), events: Int16(POLLIN), revents: 0)
                descriptors[1] = pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(descriptors.baseAddress, 2, 250)
                return descriptors[1].revents != 0
            }
            if woken {
                var count: UInt64 = 0
                _ = read(wakeDescriptor, &count, MemoryLayout<UInt64>.size)
            }
        }
        shared.withLock { $0.sleeping = false }
    }

    // MARK: - Channels and tags

    /// A free channel number.
    func allocateChannel() throws(AMQPError) -> UInt16 {
        let limit = UInt16(clamping: max(1, Int(amqp_get_channel_max(connection))))
        for _ in 0..<limit {
            let candidate = nextChannel
            nextChannel = nextChannel >= limit ? 1 : nextChannel + 1
            if channels[candidate] == nil { return candidate }
        }
        throw AMQPError(.protocolError, "all \(limit) channels of the connection are in use")
    }

    /// A consumer tag unique on this connection.
    func makeConsumerTag() -> String {
        defer { nextConsumerTag += 1 }
        return "sy-\(nextConsumerTag)"
    }

    /// The open state of a channel, or the error saying why it is not open.
    func openChannel(_ number: UInt16) throws(AMQPError) -> ChannelState {
        guard let state = channels[number] else {
            throw AMQPError(.channelClosed, "channel \(number) is closed")
        }
        if let closeError = state.closeError { throw closeError }
        return state
    }

    // MARK: - Ending

    /// Ends the connection: destroys the C state and fails or finishes everything still waiting.
    /// - Parameter error: Why the connection ended.
    func tearDown(_ error: AMQPError) {
        guard let connection else { return }
        closedError = error
        let leftovers = shared.withLock { shared -> [LoopCommand] in
            shared.closed = error
            if let copy = shared.socketCopy { close(copy) }
            shared.socketCopy = nil
            defer { shared.commands = [] }
            return shared.commands
        }
        amqp_destroy_connection(connection)
        self.connection = nil
        outgoing.discard()
        let unwritten = awaitingWrite
        awaitingWrite.removeAll()
        for waiter in unwritten { waiter.resolve(.failure(error)) }
        let closedByUs = error.code == .connectionClosed && error.replyCode == nil && error.libraryStatus == nil
        for state in channels.values {
            state.end(error, finishConsumersCleanly: closedByUs)
        }
        channels.removeAll()
        for command in leftovers {
            execute(command)
        }
    }
}
