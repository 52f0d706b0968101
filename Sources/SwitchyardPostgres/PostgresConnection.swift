// Owns one libpq connection (PGconn*) and the dedicated thread that every call on it runs on.

import CSwitchyardPostgres
import Foundation
import SwitchyardConcurrency
import SwitchyardCore

/// One connection to PostgreSQL, on a thread of its own.
///
/// libpq blocks, so each connection is an actor bound to its own ``ThreadExecutor``: its methods
/// run on that thread and a slow query stalls only this connection, never Swift's cooperative
/// thread pool. From outside, call it with `await`; inside ``withTransaction(_:)`` or
/// ``PostgresPool/withConnection(_:)`` the closure is isolated to the connection and calls it
/// directly.
///
/// ```swift
/// let connection = try await PostgresConnection.connect(url: "postgresql://app@127.0.0.1/app")
/// let rows = try await connection.query("SELECT name FROM tenants WHERE id = $1", [tenantID])
/// await connection.close()
/// ```
///
/// Values are only ever sent as parameters, never spliced into SQL. Every connection sets
/// `client_encoding` UTF8, `DateStyle` ISO, `TimeZone` UTC, `bytea_output` hex and
/// `extra_float_digits` 3, so values read back the same whatever the server's defaults.
///
/// A connection runs one statement at a time; a transaction spans several calls, so give a
/// connection to one task at a time (``PostgresPool`` does).
public actor PostgresConnection {
    private static let sessionSetup = """
        SET client_encoding = 'UTF8'; SET DateStyle = 'ISO, MDY'; SET TimeZone = 'UTC';
        SET bytea_output = 'hex'; SET extra_float_digits = 3
        """

    private let executor: ThreadExecutor
    /// The libpq connection; `nil` once closed. Only touched on `executor`'s thread (and in
    /// `deinit`, when nothing else can reach it).
    private var handle: OpaquePointer?
    /// Statements prepared on this connection, by SQL text and parameter types.
    var prepared = PreparedStatements()

    /// The connection's dedicated thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    private init(executor: ThreadExecutor) {
        self.executor = executor
    }

    /// Runs on the connection's thread, like every other use of `handle`.
    isolated deinit {
        if let handle {
            PQfinish(handle)
        }
        executor.shutdown()
    }

    /// Opens a connection on a new dedicated thread.
    /// - Parameter url: A libpq connection string: a URL
    ///   (`postgresql://user@host:5432/db?application_name=x`) or keyword/value pairs
    ///   (`host=127.0.0.1 port=5432 dbname=db`).
    /// - Returns: The open connection.
    /// - Throws: ``PostgresError`` with code ``PostgresError/Code/connectionFailed`` and
    ///   libpq's message when the server cannot be reached or refuses the connection (libpq
    ///   quotes the URL it could not parse: the password and secret parameters are masked).
    public static func connect(url: String) async throws -> PostgresConnection {
        let connection = PostgresConnection(executor: ThreadExecutor(name: "postgres"))
        try await connection.open(url)
        return connection
    }

    /// Whether the server refused a write because it is read-only (a standby, or a primary
    /// demoted in a failover): a pool does not lend such a connection again.
    public private(set) var refusedAWrite = false

    /// Whether the connection is open and libpq considers it healthy.
    public var isOpen: Bool {
        handle.map { PQstatus($0) == CONNECTION_OK } ?? false
    }

    /// Runs one statement and returns its rows.
    /// - Parameters:
    ///   - sql: One SQL statement; refer to parameters as `$1`, `$2`, ...
    ///   - parameters: The values of `$1`, `$2`, ..., sent separately from the SQL.
    /// - Returns: The rows, columns and command tag, copied out of libpq.
    /// - Throws: ``PostgresError``: ``PostgresError/Code/server`` with the SQLSTATE when the
    ///   server rejects the statement, ``PostgresError/Code/connectionClosed`` when the
    ///   connection is gone (it is then closed for good).
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> PostgresRows {
        let handle = try openHandle()
        let texts = try ParameterTexts(parameters)
        let key = PreparedStatements.Key(sql: sql, types: texts.types)
        if let name = try prepared.name(for: key) ?? prepare(key, on: handle) {
            let result = texts.withValues { values in
                name.withCString { PQexecPrepared(handle, $0, texts.count, values, nil, nil, 0) }
            }
            do {
                return try rows(of: result, on: handle)
            } catch let error as PostgresError where error.sqlState == PreparedStatements.invalidatedState {
                // The tables changed under a cached plan (a migration ran): prepare it anew next time.
                prepared.forget(key)
                throw error
            }
        }
        let result = texts.withValues { values in PQexecParams(handle, sql, texts.count, texts.types, values, nil, nil, 0) }
        return try rows(of: result, on: handle)
    }

    /// Prepares `key`'s statement under a new name, when the cache has room.
    /// - Returns: The name, or nil when the cache is full (the statement then runs unprepared).
    /// - Throws: ``PostgresError`` when the server refuses the statement (it is not cached).
    private func prepare(_ key: PreparedStatements.Key, on handle: OpaquePointer) throws -> String? {
        guard let name = prepared.reserveName() else { return nil }
        _ = try rows(of: PQprepare(handle, name, key.sql, Int32(key.types.count), key.types), on: handle)
        prepared.remember(key, as: name)
        return name
    }

    /// Runs one statement and returns how many rows it affected.
    /// - Parameters:
    ///   - sql: One SQL statement; refer to parameters as `$1`, `$2`, ...
    ///   - parameters: The values of `$1`, `$2`, ..., sent separately from the SQL.
    /// - Returns: The row count of the command tag (`UPDATE 3` gives 3; 0 where there is none).
    /// - Throws: ``PostgresError``, as ``query(_:_:)``.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> Int {
        try query(sql, parameters).affectedRows
    }

    /// Runs SQL text that may hold several statements separated by `;` and has no parameters
    /// (a migration file, `BEGIN`, `LISTEN "x"`).
    ///
    /// Outside a transaction the server runs the statements as one implicit transaction: if
    /// one fails, none of them takes effect.
    /// - Parameter sql: The statements.
    /// - Throws: ``PostgresError``, as ``query(_:_:)``, for the first statement that fails.
    public func executeScript(_ sql: String) throws {
        let handle = try openHandle()
        _ = try rows(of: PQexec(handle, sql), on: handle)
    }

    /// Closes the connection. Later calls throw ``PostgresError/Code/connectionClosed``; the
    /// thread ends when the connection is released.
    public func close() {
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    /// Whether a transaction (or a failed one) is open on this connection.
    var isInTransaction: Bool {
        handle.map { PQtransactionStatus($0) != PQTRANS_IDLE } ?? false
    }

    /// The open libpq connection.
    /// - Throws: ``PostgresError/Code/connectionClosed`` when there is none.
    func openHandle() throws -> OpaquePointer {
        guard let handle else { throw PostgresError(.connectionClosed, "the connection is closed") }
        return handle
    }

    /// The error for a failure libpq reports on the connection itself, closing the connection
    /// when libpq considers it lost.
    func connectionError(_ handle: OpaquePointer) -> PostgresError {
        let message = Self.trimmed(PQerrorMessage(handle))
        guard PQstatus(handle) != CONNECTION_OK else { return PostgresError(.server, message) }
        close()
        return PostgresError(.connectionClosed, message.isEmpty ? "the connection was lost" : message)
    }

    /// Connection settings given unless the URL gives its own: a server that vanishes without
    /// closing its connections (a failover that moves an address, a network path that drops
    /// everything) ends a connect within 10 s and a connection within about a minute, not
    /// after the kernel's defaults (two minutes for a connect, two hours for an idle
    /// connection waiting for a result, a quarter of an hour for a send).
    static let defaultSettings: KeyValuePairs<String, String> = [
        "connect_timeout": "10",
        "keepalives": "1",
        "keepalives_idle": "30",
        "keepalives_interval": "10",
        "keepalives_count": "3",
        "tcp_user_timeout": "60000",
    ]

    private func open(_ url: String) throws {
        // Entries before the expanded `dbname` are overridden by the URL's own parameters.
        let keywords = (Self.defaultSettings.map(\.key) + ["dbname"]).map { strdup($0) }
        let values = (Self.defaultSettings.map(\.value) + [url]).map { strdup($0) }
        defer { (keywords + values).forEach { free($0) } }
        let connected = PQconnectdbParams(keywords.map { UnsafePointer($0) } + [nil], values.map { UnsafePointer($0) } + [nil], 1)
        guard let handle = connected else {
            throw PostgresError(.connectionFailed, "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Redaction.message(Self.trimmed(PQerrorMessage(handle)), hiding: url)
            PQfinish(handle)
            throw PostgresError(.connectionFailed, message)
        }
        // Server notices ("relation ... already exists, skipping") are informational; libpq's
        // default processor would print them on the process's stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        self.handle = handle
        do {
            try executeScript(Self.sessionSetup)
        } catch {
            close()
            throw error
        }
    }

    /// Copies a result into ``PostgresRows`` (or turns it into an error) and clears it.
    func rows(of result: OpaquePointer?, on handle: OpaquePointer) throws -> PostgresRows {
        guard let result else { throw connectionError(handle) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(copying: result)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            close()
            throw PostgresError(.unsupported, "COPY is not supported; the connection was closed")
        default:
            throw serverError(result, on: handle)
        }
    }

    /// The error a failed result describes; a lost connection gives
    /// ``PostgresError/Code/connectionClosed`` (keeping the server's SQLSTATE, such as `57P01`
    /// for a terminated backend, when it sent one).
    private func serverError(_ result: OpaquePointer, on handle: OpaquePointer) -> PostgresError {
        func field(_ code: Unicode.Scalar) -> String? {
            PQresultErrorField(result, Int32(UInt8(ascii: code))).map { String(cString: $0) }
        }
        let message = field("M") ?? Self.trimmed(PQresultErrorMessage(result))
        let lost = PQstatus(handle) != CONNECTION_OK
        if lost {
            close()
        }
        if field("C") == PostgresError.readOnlyTransaction {
            refusedAWrite = true
        }
        return PostgresError(
            lost ? .connectionClosed : .server,
            message.isEmpty ? "the connection was lost" : message,
            sqlState: field("C"),
            detail: field("D"),
            hint: field("H")
        )
    }

    /// A libpq message as a Swift string, without its trailing newline.
    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        return String(cString: message).trimmingWhiteSpace()
    }
}
