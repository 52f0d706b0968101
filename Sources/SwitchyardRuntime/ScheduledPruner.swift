// The prune that `switchyard work dead-letters` runs on a schedule (hourly by default).

public import Logging
public import ServiceLifecycle

/// Runs a ``Pruner`` every ``RetentionPolicy/interval``: first at a random moment within the
/// first minute (or the interval, when shorter), so processes started together don't prune
/// together, then every interval give or take 10%.
///
/// Each run logs what it deleted. A failure (the database is down) is logged and the run is
/// tried again at the next tick; it never ends the service. On graceful shutdown it stops at
/// once, or after the batch in flight when a run is under way.
public struct ScheduledPruner: Service {
    private let pruner: Pruner
    private let logger: Logger

    /// Creates the service.
    /// - Parameters:
    ///   - pruner: The pruner, with the windows and interval of its policy.
    ///   - logger: Where runs are reported.
    public init(pruner: Pruner, logger: Logger) {
        self.pruner = pruner
        self.logger = logger
    }

    /// Prunes on schedule until graceful shutdown (or cancellation).
    public func run() async {
        let stop = StopSignal()
        let interval = pruner.policy.interval
        await withGracefulShutdownHandler {
            var delay = min(interval, .seconds(60)) * Double.random(in: 0.1...1)
            while true {
                await stop.sleep(for: delay)
                guard !stop.isTriggered, !Task.isCancelled else { return }
                await pruneOnce(until: stop)
                delay = interval * Double.random(in: 0.9...1.1)
            }
        } onGracefulShutdown: {
            stop.trigger()
        }
    }

    /// One run: prunes, and logs the counts or the failure.
    private func pruneOnce(until stop: StopSignal) async {
        do {
            let counts = try await pruner.prune(dryRun: false, while: { !stop.isTriggered })
            var metadata: Logger.Metadata = [:]
            for count in counts { metadata[count.table.rawValue] = "\(count.rows)" }
            logger.info("pruned rows older than their retention windows", metadata: metadata)
        } catch {
            guard !stop.isTriggered else { return }
            logger.warning("pruning failed; trying again at the next run", metadata: [
                "error": "\(error)", "next_run_in_s": "\(pruner.policy.interval.components.seconds)",
            ])
        }
    }
}
