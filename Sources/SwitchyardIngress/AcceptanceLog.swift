// Where the ingress logs the requests it could not accept, without a line per request.

import Logging
import Switchyard

/// The warnings of one kind of accepted request (webhooks, keyed events, events), each logged
/// at most once per ``ThrottledWarning/interval`` with the requests held back in between
/// counted: while the broker or the database fails every request alike, the log gets a line
/// every few seconds, not one per request.
struct AcceptanceLog: Sendable {
    let logger: Logger
    /// The database failed the requests' transaction.
    let databaseFailure: ThrottledWarning
    /// The broker refused their events or did not confirm them (in time, or while it blocks).
    let refused: ThrottledWarning
    /// Answered, and their transaction's `COMMIT` failed after the answers.
    let notCommitted: ThrottledWarning

    /// Creates the warnings for requests called `what` in their text (`webhooks`).
    init(_ what: String, logger: Logger) {
        self.logger = logger
        databaseFailure = ThrottledWarning("\(what) not accepted: database failure")
        refused = ThrottledWarning("\(what) not accepted: the broker refused or did not confirm their events")
        notCommitted = ThrottledWarning("answered \(what) not committed: a retry publishes their events again")
    }
}
