// A handler's database call that failed: retried when the database may recover, dead-lettered
// at once when the message's own values can't be stored or compared.

import SwitchyardPostgres

extension HandlerFailure {
    /// The failure of a database call made for `what`: class `invalid_value` when the values
    /// the message brought can't be stored or compared (``PostgresError/isInvalidValue``: a NUL
    /// character, a number out of range), which no retry can change; else `database`.
    public static func database(_ what: String, _ error: any Error) -> HandlerFailure {
        let invalid = (error as? PostgresError)?.isInvalidValue == true
        return HandlerFailure(invalid ? "invalid_value" : "database", "\(what): \(error)")
    }
}

extension HandlerOutcome {
    /// ``HandlerFailure/database(_:_:)`` as an outcome: a dead letter at once for an
    /// `invalid_value`, else a retry through the tiers.
    public static func databaseFailure(_ what: String, _ error: any Error) -> HandlerOutcome {
        let failure = HandlerFailure.database(what, error)
        return failure.errorClass == "invalid_value" ? .permanentFailure(failure) : .transientFailure(failure)
    }
}
