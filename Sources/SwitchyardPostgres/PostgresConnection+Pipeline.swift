// Many statements in one round trip: libpq's pipeline mode.

import CSwitchyardPostgres
import Foundation
import SwitchyardCore

/// One statement and its parameters, for ``PostgresConnection/queryPipelined(_:)``.
public struct PostgresStatement: Sendable {
    /// One SQL statement; refer to parameters as `$1`, `$2`, ...
    public var sql: String
    /// The values of `$1`, `$2`, ..., sent separately from the SQL.
    public var parameters: [any PostgresEncodable]

    /// Creates a statement.
    public init(_ sql: String, _ parameters: [any PostgresEncodable] = []) {
        self.sql = sql
        self.parameters = parameters
    }
}

extension PostgresConnection {
    /// Sends every statement at once and reads all their results after one sync (libpq's
    /// pipeline mode): one round trip to the server instead of one per statement.
    ///
    /// The statements run in order, as they would one by one, and are prepared and cached like
    /// ``query(_:_:)``'s. When one fails, the server skips the rest. Outside a transaction the
    /// statements form one implicit transaction (all take effect or none); inside one, the
    /// transaction is failed and must be rolled back.
    ///
    /// The connection stays in blocking mode: every statement is sent before any result is
    /// read, so the results must fit in the socket buffers meanwhile. That holds for writes and
    /// for `RETURNING` a few columns of a batch's rows (what the committer and the ingress send);
    /// run queries that return many rows with ``query(_:_:)``.
    ///
    /// ```swift
    /// try connection.queryPipelined([
    ///     PostgresStatement("INSERT INTO a (id) VALUES ($1)", [id]),
    ///     PostgresStatement("INSERT INTO b (id) VALUES ($1)", [id]),
    /// ])
    /// ```
    /// - Parameter statements: The statements, each a single SQL statement.
    /// - Returns: Each statement's rows, in order.
    /// - Throws: ``PostgresError``: the first failing statement's error (its ``PostgresError/sqlState``
    ///   and message, as ``query(_:_:)`` would throw it), ``PostgresError/Code/invalidValue``
    ///   before anything is sent when a parameter can't be sent, or
    ///   ``PostgresError/Code/connectionClosed`` when the connection is lost.
    public func queryPipelined(_ statements: [PostgresStatement]) throws -> [PostgresRows] {
        guard statements.count > 1 else {
            return try statements.map { try query($0.sql, $0.parameters) }
        }
        let handle = try openHandle()
        let encoded = try statements.map(EncodedStatement.init)
        guard PQenterPipelineMode(handle) == 1 else { throw connectionError(handle) }
        // Not `handle`: a lost connection is closed (and its handle freed) on the way out.
        defer { if let open = try? openHandle() { _ = PQexitPipelineMode(open) } }

        // What was sent, in order: a prepare (its key and name) or a statement (its index).
        var sent: [Sent] = []
        var preparing: [PreparedStatements.Key: String] = [:]
        for (index, statement) in encoded.enumerated() {
            let key = statement.key
            var name = prepared.name(for: key) ?? preparing[key]
            if name == nil, let fresh = prepared.reserveName() {
                guard PQsendPrepare(handle, fresh, key.sql, Int32(key.types.count), key.types) == 1 else {
                    throw abandonPipeline(handle)
                }
                preparing[key] = fresh
                sent.append(.prepare(key, fresh))
                name = fresh
            }
            let texts = statement.texts
            let queued = texts.withValues { values in
                if let name {
                    name.withCString { PQsendQueryPrepared(handle, $0, texts.count, values, nil, nil, 0) }
                } else {
                    PQsendQueryParams(handle, key.sql, texts.count, key.types, values, nil, nil, 0)
                }
            }
            guard queued == 1 else { throw abandonPipeline(handle) }
            sent.append(.statement(index))
        }
        guard PQpipelineSync(handle) == 1 else { throw abandonPipeline(handle) }

        var rows = [PostgresRows?](repeating: nil, count: statements.count)
        var firstError: PostgresError?
        for item in sent {
            // Each command's results end with a NULL; a NULL first means the connection is gone.
            guard let result = PQgetResult(handle) else { throw connectionError(handle) }
            while let extra = PQgetResult(handle) { PQclear(extra) }
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_ABORTED {
                PQclear(result)
                continue
            }
            do {
                let copied = try self.rows(of: result, on: handle)
                switch item {
                case .prepare(let key, let name): prepared.remember(key, as: name)
                case .statement(let index): rows[index] = copied
                }
            } catch let error as PostgresError {
                if error.isConnectionLevel { throw error }
                if error.sqlState == PreparedStatements.invalidatedState, case .statement(let index) = item {
                    prepared.forget(encoded[index].key)
                }
                firstError = firstError ?? error
            }
        }
        guard let sync = PQgetResult(handle) else { throw connectionError(handle) }
        let synced = PQresultStatus(sync) == PGRES_PIPELINE_SYNC
        PQclear(sync)
        guard synced else {
            // The server ended the session mid-pipeline (a terminated backend sends its reason
            // as the last result before it goes).
            close()
            let reason = firstError.map { ": \($0.message)" } ?? ""
            throw PostgresError(
                .connectionClosed, "the pipeline's results were out of step; the connection was closed\(reason)",
                sqlState: firstError?.sqlState)
        }
        if let firstError { throw firstError }
        return rows.compactMap { $0 }
    }

    /// Closes a connection whose pipeline could not be sent whole: what the server would answer
    /// is unknown, so the connection can't be used again.
    private func abandonPipeline(_ handle: OpaquePointer) -> PostgresError {
        let message = String(cString: PQerrorMessage(handle)).trimmingWhiteSpace()
        close()
        return PostgresError(.connectionClosed, "sending a pipeline failed: \(message.isEmpty ? "the connection was lost" : message)")
    }

    /// Runs statements pipelined and returns how many rows each affected.
    /// - Throws: ``PostgresError``, as ``queryPipelined(_:)``.
    @discardableResult
    public func executePipelined(_ statements: [PostgresStatement]) throws -> [Int] {
        try queryPipelined(statements).map(\.affectedRows)
    }
}

/// What ``PostgresConnection/queryPipelined(_:)`` sent, in order.
private enum Sent {
    case prepare(PreparedStatements.Key, String)
    case statement(Int)
}

/// A statement with its parameters as C strings, ready to send.
private struct EncodedStatement {
    let key: PreparedStatements.Key
    let texts: ParameterTexts

    /// Encodes the parameters.
    /// - Throws: ``PostgresError/Code/invalidValue`` for text with a NUL character.
    init(_ statement: PostgresStatement) throws(PostgresError) {
        texts = try ParameterTexts(statement.parameters)
        key = PreparedStatements.Key(sql: statement.sql, types: texts.types)
    }
}
