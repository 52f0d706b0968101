// What accepting webhooks and keyed events in groups share: one transaction a group, its rows
// in key order, its members answered once.

import Logging
import Metrics
import Switchyard
import SwitchyardAPI
import SwitchyardCore
import SwitchyardPostgres

/// The steps ``WebhookAcceptor`` and ``KeyedEventAcceptor`` share for one group of
/// ``RequestGroups``.
enum AcceptanceGroup {
    /// Accepts `members` in one transaction on `pool` (an acceptance pool,
    /// ``PostgresPool/accept(_:log:startingWith:_:)``) and answers each once.
    ///
    /// The first member of each key owns it and decides for every member with that key
    /// (`answer` gets each member and the outcomes). Only the owners go to `first` and `record`,
    /// in key order, so two groups never wait for each other's rows in opposite orders. The
    /// answers are given when `record` returns, before the `COMMIT` does; when that `COMMIT`
    /// fails after them, the loss is only logged (the events are confirmed; a retry publishes
    /// the same message ids, which inboxes absorb).
    /// - Parameters:
    ///   - members: The group.
    ///   - key: A member's row key.
    ///   - pool: The acceptance pool.
    ///   - answers: Where the members are answered.
    ///   - log: Where a database failure and a lost `COMMIT` are logged.
    ///   - first: The statement sent with the `BEGIN` (inserting the rows), given the owners.
    ///   - record: The rest of the transaction, given the owners and `first`'s rows.
    ///   - answer: A member's answer from what `record` returned.
    static func accept<Member: Sendable, Key: Hashable & Comparable, Outcomes: Sendable>(
        _ members: [Member], by key: (Member) -> Key, on pool: PostgresPool, answers: GroupAnswers<Member, String>,
        log: AcceptanceLog, startingWith first: ([Member]) -> PostgresStatement,
        record: @escaping @Sendable ([Member], PostgresRows, isolated PostgresConnection) async throws -> Outcomes,
        answer: @escaping @Sendable (Outcomes, Member) -> Result<String, APIError>
    ) async {
        var owners: [Key: Member] = [:]
        for member in members where owners[key(member)] == nil {
            owners[key(member)] = member
        }
        let ordered = owners.sorted { $0.key < $1.key }.map(\.value)
        do {
            try await pool.accept(ordered.count, log: log, startingWith: [first(ordered)]) { connection, rows in
                let outcomes = try await record(ordered, rows[0], connection)
                answers.give { answer(outcomes, $0) }
            }
        } catch {
            if !answers.give({ _ in .failure(error) }) {
                log.notCommitted.log(to: log.logger, count: ordered.count, metadata: ["error": "\(error)"])
            }
        }
    }

    /// The ``RequestGroups`` an acceptor serves its requests in, each group's size recorded in
    /// `switchyard_ingress_group_size{requests}`: near 1 under light load, towards
    /// ``RequestGroups/maxGroupSize`` as the ingress nears its capacity.
    /// - Parameters:
    ///   - requests: What the groups accept (`webhooks`, `keyed_events`), the metric's label.
    ///   - run: Serves one group (``RequestGroups/Run``).
    static func groups<Member: Sendable>(
        of requests: String, _ run: @escaping RequestGroups<Member, String>.Run
    ) -> RequestGroups<Member, String> {
        let sizes = Recorder(label: "switchyard_ingress_group_size", dimensions: [("requests", requests)])
        return RequestGroups { group, answers in
            sizes.record(group.count)
            await run(group, answers)
        }
    }

    /// `items` as the JSON array of objects a statement reads with `jsonb_to_recordset($1::jsonb)`.
    static func recordset<Item>(_ items: [Item], _ members: (Item) -> KeyValuePairs<String, JSONValue?>) -> String {
        var text: [UInt8] = [UInt8(ascii: "[")]
        for (index, item) in items.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            JSONValue.writeObject(members(item), into: &text)
        }
        text.append(UInt8(ascii: "]"))
        return String(decoding: text, as: UTF8.self)
    }
}
