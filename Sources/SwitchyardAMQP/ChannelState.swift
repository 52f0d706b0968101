// What the loop knows about one open channel: publisher-confirm bookkeeping, consumers, and
// the message whose content frames are arriving.

internal import DequeModule

/// A message whose method frame has arrived and whose header and body frames are awaited.
struct ContentAssembly {
    enum Purpose {
        case delivery(consumerTag: String)
        case returned(replyCode: UInt16, replyText: String)
        case fetched
    }

    var purpose: Purpose
    var delivery: AMQPDelivery
    var expectedSize = -1
    /// Body bytes read so far, kept or not.
    var receivedSize = 0

    var isComplete: Bool { expectedSize >= 0 && receivedSize >= expectedSize }
}

/// One publish awaiting its confirm.
struct PendingConfirm {
    var waiter: PublishWaiter
    /// When it fails with ``AMQPError/Code/confirmTimeout`` unless confirmed; nil: never.
    var deadline: ContinuousClock.Instant?
    /// Set when the broker returned the message (`basic.return` precedes its `basic.ack`).
    var returned: AMQPError?
}

/// The loop's state for one open channel. Touched only by the loop thread.
final class ChannelState {
    let number: UInt16
    /// Why the channel closed, once it has.
    var closeError: AMQPError?
    var confirmMode = false
    /// The sequence number the next publish gets (publisher confirms count from 1).
    var nextPublishSequence: UInt64 = 1
    /// Sequence number of `pending.first`; entries are consecutive, `nil` once confirmed.
    private var pendingBase: UInt64 = 1
    private var pending: Deque<PendingConfirm?> = []
    var consumers: [String: DeliverySink] = [:]
    var content: ContentAssembly?
    var fetched: AMQPDelivery?
    /// The exchange and routing key of the last message received: consecutive deliveries
    /// usually repeat them, and reusing the string saves an allocation per delivery.
    var lastExchange = ""
    var lastRoutingKey = ""
    /// The single acks of this loop turn, sent together at its end.
    var acks = AckCoalescer()

    init(number: UInt16) {
        self.number = number
    }

    /// Records a publish that awaits its confirm.
    /// - Parameter deadline: When it times out unconfirmed; publishes are recorded in the order
    ///   of their deadlines, which ``expireConfirms(at:failingWith:)`` relies on.
    func awaitConfirm(_ waiter: PublishWaiter, deadline: ContinuousClock.Instant? = nil) {
        if pending.isEmpty { pendingBase = nextPublishSequence }
        pending.append(PendingConfirm(waiter: waiter, deadline: deadline))
        nextPublishSequence += 1
    }

    /// Fails the publishes whose deadline has passed with `error` and forgets them: a late ack
    /// or nack for one finds nothing and is ignored.
    /// - Parameters:
    ///   - now: The time to compare deadlines with.
    ///   - error: Their failure (``AMQPError/Code/confirmTimeout``).
    func expireConfirms(at now: ContinuousClock.Instant, failingWith error: AMQPError) {
        // Deadlines grow with sequence numbers, so the expired publishes lead the queue, some
        // of them confirmed out of order already (`nil`).
        while let first = pending.first {
            if let entry = first {
                guard let deadline = entry.deadline, deadline <= now else { return }
            }
            pending.removeFirst()
            pendingBase += 1
            first?.waiter.resolve(.failure(error))
        }
    }

    /// Fails every publish awaiting its confirm with `error` and forgets them, the channel
    /// staying open: a late ack or nack for one finds nothing and is ignored.
    func failPending(with error: AMQPError) {
        let waiting = pending
        pendingBase += UInt64(pending.count)
        pending.removeAll()
        for entry in waiting {
            entry?.waiter.resolve(.failure(entry?.returned ?? error))
        }
    }

    /// Marks a pending publish as returned by the broker.
    func markReturned(sequence: UInt64, _ error: AMQPError) {
        guard sequence >= pendingBase, sequence - pendingBase < UInt64(pending.count) else { return }
        pending[Int(sequence - pendingBase)]?.returned = error
    }

    /// Applies a `basic.ack` or `basic.nack` from the broker.
    func confirm(upTo tag: UInt64, multiple: Bool, nack: Bool) {
        func outcome(_ entry: PendingConfirm) -> Result<Void, AMQPError> {
            if let returned = entry.returned { return .failure(returned) }
            if nack {
                return .failure(AMQPError(.nacked, "the broker did not take responsibility for the message (basic.nack)"))
            }
            return .success(())
        }
        if multiple {
            while let first = pending.first, pendingBase <= tag {
                pending.removeFirst()
                pendingBase += 1
                if let first { first.waiter.resolve(outcome(first)) }
            }
        } else if tag >= pendingBase, tag - pendingBase < UInt64(pending.count) {
            let index = Int(tag - pendingBase)
            if let entry = pending[index] {
                pending[index] = nil
                entry.waiter.resolve(outcome(entry))
            }
        }
        while let first = pending.first, first == nil {
            pending.removeFirst()
            pendingBase += 1
        }
    }

    /// Fails every pending publish and ends every consumer.
    /// - Parameters:
    ///   - error: Why the channel ended.
    ///   - finishConsumersCleanly: End consumer streams without an error (the client closed).
    func end(_ error: AMQPError, finishConsumersCleanly: Bool) {
        closeError = error
        let waiting = pending
        pending.removeAll()
        for entry in waiting {
            entry?.waiter.resolve(.failure(entry?.returned ?? error))
        }
        for consumer in consumers.values {
            consumer.end(finishConsumersCleanly ? nil : error)
        }
        consumers.removeAll()
    }
}
