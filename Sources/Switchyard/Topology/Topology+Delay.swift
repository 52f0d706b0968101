// Events that wait before delivery, held by the broker's retry tiers rather than by a worker.

public import SwitchyardCore

extension Topology {
    /// The shortest retry tier not shorter than `delay`, else the longest.
    public func retryTier(atLeast delay: Duration) -> RetryTier {
        retryTiers.first { $0.delay >= delay } ?? retryTiers[retryTiers.count - 1]
    }

    /// The longest retry tier not longer than `delay`, else the shortest.
    public func retryTier(atMost delay: Duration) -> RetryTier {
        retryTiers.last { $0.delay <= delay } ?? retryTiers[0]
    }

    /// `event` made to reach `role`'s normal-lane work queue after waiting in `tier`: nothing
    /// waits in a worker, and the tier's queue hands the event to that one queue when its time
    /// is up.
    /// - Throws: ``TopologyError`` for a role the topology doesn't define.
    public func delayed(_ event: OutgoingEvent, in tier: RetryTier, toRole role: String) throws(TopologyError) -> OutgoingEvent {
        let role = try self.role(role)
        let lane = lanes.firstIndex { $0.exchange == eventsExchange } ?? lanes.count - 1
        var event = event
        event.delay = OutgoingEvent.Delay(
            exchange: retryExchange, queue: role.workQueues[min(lane, role.workQueues.count - 1)], header: retryHeader, tier: tier.name)
        return event
    }
}
