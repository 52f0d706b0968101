// Durations in the units metrics and logs take.

extension Duration {
    /// The duration in whole nanoseconds (saturating), as swift-metrics timers take it.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000
    }
}
