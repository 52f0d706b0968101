// Listens for `sy_automations` and forgets the chatbots it names.

import Logging
import SwitchyardPostgres

/// Keeps an ``AutomationCache`` honest: LISTENs on `sy_automations` (the migration's triggers
/// send a chatbot's id whenever it or one of its automations changes) and forgets that chatbot.
/// The cache keeps entries only while the listener is connected; when the connection is lost
/// it forgets everything and listens again a second later.
enum CacheInvalidation {
    /// The channel the triggers notify.
    static let channel = "sy_automations"

    /// Starts listening for the life of the process.
    /// - Returns: The listening task (cancel it to stop).
    @discardableResult
    static func start(url: String, cache: AutomationCache, logger: Logger) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                do {
                    let listener = try await PostgresListener.listen(url: url, channels: [channel])
                    cache.reset(listening: true)
                    logger.info("following automation changes; chatbots are cached")
                    for try await notification in listener.notifications {
                        cache.invalidate(notification.payload)
                    }
                } catch {
                    logger.warning("lost the automation change feed; matching reads the database until it is back", metadata: [
                        "error": "\(error)",
                    ])
                }
                cache.reset(listening: false)
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
