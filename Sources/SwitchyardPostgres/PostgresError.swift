// The one error type of SwitchyardPostgres: an extensible code, the message, and the server's
// SQLSTATE, detail and hint when the error came from PostgreSQL.

/// An error from the Postgres client: a failed connection, a server error, a value that does not
/// decode, a pool that could not lend a connection in time.
///
/// Switch on ``code`` to tell kinds apart; new codes may be added without breaking callers.
/// Server errors also carry the SQLSTATE, so a caller can react to one condition precisely:
///
/// ```swift
/// catch let error as PostgresError where error.sqlState == "23505" { ... }
/// ```
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. An opaque, extensible set: compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The connection could not be established (bad address, refused, authentication).
        public static let connectionFailed = Code("connectionFailed")
        /// The connection was closed, by ``PostgresConnection/close()`` or because the server or
        /// the network ended it; the connection cannot be used again.
        public static let connectionClosed = Code("connectionClosed")
        /// The server rejected a statement; ``PostgresError/sqlState`` says why.
        public static let server = Code("server")
        /// A parameter holds what PostgreSQL can't store (a NUL character in text); nothing was sent.
        public static let invalidValue = Code("invalidValue")
        /// A column value could not be decoded as the requested Swift type.
        public static let decoding = Code("decoding")
        /// The server answered in a way this client does not handle (for example `COPY`).
        public static let unsupported = Code("unsupported")
        /// A transaction was started on a connection that is already inside one.
        public static let transactionInProgress = Code("transactionInProgress")
        /// ``PostgresPool`` had no connection free before its acquire timeout.
        public static let poolTimeout = Code("poolTimeout")
        /// ``PostgresPool`` was closed.
        public static let poolClosed = Code("poolClosed")

        /// The code's name, as in `connectionClosed`.
        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The primary message: the server's or libpq's text, or this client's.
    public var message: String
    /// The server's five-character SQLSTATE (`PG_DIAG_SQLSTATE`), as in `23505`, when the error
    /// came from the server.
    public var sqlState: String?
    /// The server's optional detail line (`PG_DIAG_MESSAGE_DETAIL`).
    public var detail: String?
    /// The server's optional hint (`PG_DIAG_MESSAGE_HINT`).
    public var hint: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure this is.
    ///   - message: The primary message.
    ///   - sqlState: The server's SQLSTATE, if any.
    ///   - detail: The server's detail line, if any.
    ///   - hint: The server's hint, if any.
    public init(
        _ code: Code,
        _ message: String,
        sqlState: String? = nil,
        detail: String? = nil,
        hint: String? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
    }

    /// `SQLSTATE 23505: duplicate key value ...` for server errors, `connectionFailed: ...`
    /// otherwise, followed by the detail and hint when present.
    public var description: String {
        var text = if let sqlState { "SQLSTATE \(sqlState): \(message)" } else { "\(code): \(message)" }
        if let detail { text += " (detail: \(detail))" }
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}
