// How a caller should react to a PostgresError: reconnect and retry, retry the transaction
// later, or give up on the values it sent.

extension PostgresError {
    /// The connection failed or was lost, or the pool couldn't lend one: the statements may be
    /// retried as they are once the database is reachable again.
    public var isConnectionLevel: Bool {
        [.connectionFailed, .connectionClosed, .poolTimeout, .poolClosed].contains(code)
    }

    /// The values sent can't be stored: a NUL character in text (``Code/invalidValue``), a data
    /// exception (SQLSTATE class 22: out of range, invalid text representation, ...) or an
    /// integrity violation (class 23). Retrying the same values can't succeed.
    public var isInvalidValue: Bool {
        code == .invalidValue || (code == .server && (sqlState?.hasPrefix("22") == true || sqlState?.hasPrefix("23") == true))
    }

    /// The server gave up on the transaction for reasons of its own that may pass: a
    /// serialization failure or deadlock (class 40), insufficient resources (class 53), a lock
    /// not available (55P03), a cancelled statement (57014), or a write on a server that is
    /// read-only (25006: a standby, or a primary demoted in a failover; the pool drops that
    /// connection and the next one finds the writable server).
    public var isTransient: Bool {
        guard code == .server, let sqlState else { return false }
        return sqlState.hasPrefix("40") || sqlState.hasPrefix("53") || sqlState == "55P03" || sqlState == "57014"
            || sqlState == Self.readOnlyTransaction
    }

    /// SQLSTATE `read_only_sql_transaction`: a write refused by a read-only server.
    public static let readOnlyTransaction = "25006"
}
