// The acks a loop turn collected on one channel, sent as few `basic.ack` frames as the
// delivery tags allow.

/// Collects single acks and turns them into as few frames as possible without delaying any.
///
/// Delivery tags count up from 1 on each channel. Every tag up to `settledThrough` has been
/// settled by this client, so when the acks collected in a loop turn fill the tags right after
/// it, one `basic.ack` with `multiple` naming the highest of them covers them all (tags below
/// it settled one by one before are skipped by the broker). The acks that don't join that run are sent one by one at
/// once, as before: a delivery still in a slow handler never holds back the acks after it.
struct AckCoalescer {
    /// One frame to send.
    struct Frame: Equatable {
        var tag: UInt64
        var multiple: Bool
    }

    /// Every tag up to this one has been settled.
    private(set) var settledThrough: UInt64 = 0
    /// Tags above ``settledThrough`` settled already, waiting for the gap below them to close.
    private var settledAhead: Set<UInt64> = []
    private var collected: [UInt64] = []

    /// Adds a single ack to send with the next ``flush()``.
    mutating func collect(_ tag: UInt64) {
        collected.append(tag)
    }

    /// Notes a settlement sent as it was (a nack, a reject, or a `multiple` ack or nack).
    mutating func noteSent(_ tag: UInt64, multiple: Bool) {
        if multiple {
            if tag > settledThrough {
                settledThrough = tag
                settledAhead = settledAhead.filter { $0 > tag }
            }
        } else if tag > settledThrough {
            settledAhead.insert(tag)
        }
        advance()
    }

    /// The frames for the acks collected since the last flush, in tag order.
    mutating func flush() -> [Frame] {
        guard !collected.isEmpty else { return [] }
        let fresh = collected.filter { $0 > settledThrough }.sorted()
        settledAhead.formUnion(fresh)
        collected.removeAll(keepingCapacity: true)
        advance()
        var frames: [Frame] = []
        // The broker refuses a `multiple` ack whose own tag is settled already ("unknown
        // delivery tag"): name the highest new tag of the run, which covers the rest below it.
        if let last = fresh.last(where: { $0 <= settledThrough }) {
            frames.append(Frame(tag: last, multiple: true))
        }
        for tag in fresh where tag > settledThrough {
            frames.append(Frame(tag: tag, multiple: false))
        }
        return frames
    }

    private mutating func advance() {
        while settledAhead.remove(settledThrough + 1) != nil {
            settledThrough += 1
        }
    }
}
