// Requests that arrive together, served as one group: one database round trip (and, for an
// acceptance, one pipelined publish) for many.

public import Synchronization

/// Gathers the requests that arrive while earlier groups are busy into groups, and runs up to
/// ``maxGroupsInFlight`` groups at once: under light load each request goes alone, under heavy
/// load the per-request round trips are shared. What a group does is the `run` closure's (the
/// ingress's acceptances of webhooks and keyed events, ``CallerAuthentication``'s key
/// look-ups); it answers every member once through ``GroupAnswers``, and a member it leaves
/// unanswered gets 503 `unavailable` (the database).
///
/// A group starts on the thread of the request that finds a place free (`Task.immediate`), and
/// the next waiting group on the thread of the group that frees one: a request that goes alone
/// costs no more thread hops than it would without the groups.
///
/// Its methods are `@inlinable` so that each module using it gets a copy specialized to its
/// `Member` and `Answer`: unspecialized, they cost a webhook's acceptance about twenty run-time
/// look-ups of generic metadata (`Optional`, `Result`, `CheckedContinuation` of its types).
public final class RequestGroups<Member: Sendable, Answer: Sendable>: Sendable {
    /// Runs one group and answers its members.
    public typealias Run = @Sendable ([Member], GroupAnswers<Member, Answer>) async -> Void
    @usableFromInline typealias Waiting = (member: Member, continuation: CheckedContinuation<Result<Answer, APIError>, Never>)

    @usableFromInline struct State {
        @usableFromInline var waiting: [Waiting] = []
        @usableFromInline var groupsInFlight = 0

        @usableFromInline init() {}

        /// The next group to start, if a place is free; counted as in flight.
        @inlinable mutating func nextGroup() -> [Waiting]? {
            guard groupsInFlight < RequestGroups.maxGroupsInFlight, !waiting.isEmpty else { return nil }
            let group = Array(waiting.prefix(RequestGroups.maxGroupSize))
            waiting.removeFirst(group.count)
            groupsInFlight += 1
            return group
        }
    }

    /// More groups in flight wait less for one another under light load, but share less under
    /// heavy load: 4 against 2 gave keyed events 0.2-0.3 ms less at the median at 1,000/s and
    /// a 5 % lower rate at saturation (2026-12-06), and webhooks no higher rate (2026-12-03; nor
    /// did 3 or 4 at 128 and 256 connections, which cost 10-25 % more CPU a webhook, 2026-12-06).
    /// A group holds its place until `run` returns (for an acceptance, until its `COMMIT`
    /// returns): giving it up when the group is answered made neither path faster.
    public static var maxGroupsInFlight: Int { 2 }
    /// The most requests in one group.
    public static var maxGroupSize: Int { 128 }

    @usableFromInline let run: Run
    @usableFromInline let state = Mutex(State())

    /// Creates the groups; `run` serves one group.
    public init(_ run: @escaping Run) {
        self.run = run
    }

    /// Serves `member` in the next group and returns its answer.
    @inlinable public func answer(_ member: Member) async -> Result<Answer, APIError> {
        await withCheckedContinuation { continuation in
            let group = state.withLock { state in
                state.waiting.append((member, continuation))
                return state.nextGroup()
            }
            if let group { start(group) }
        }
    }

    /// Runs `group` on the current thread until it first waits; when it ends, starts the next.
    @inlinable func start(_ group: [Waiting]) {
        Task.immediate {
            let answers = GroupAnswers<Member, Answer>(group)
            await run(group.map(\.member), answers)
            answers.give { _ in .failure(APIError.unavailable("the database")) }
            let next = state.withLock { state in
                state.groupsInFlight -= 1
                return state.nextGroup()
            }
            if let next { start(next) }
        }
    }
}

/// A group's members, answered once: as soon as the group's outcome is known (for an
/// acceptance, when its events are confirmed, before the `COMMIT` returns), or with the
/// failure that ended the group.
public final class GroupAnswers<Member: Sendable, Answer: Sendable>: Sendable {
    @usableFromInline typealias Members = [(member: Member, continuation: CheckedContinuation<Result<Answer, APIError>, Never>)]

    @usableFromInline let members: Mutex<Members?>

    @inlinable init(_ members: [(member: Member, continuation: CheckedContinuation<Result<Answer, APIError>, Never>)]) {
        self.members = Mutex(members)
    }

    /// Answers every member with `result(member)`, unless the group was answered already.
    /// - Returns: Whether this call answered them.
    @inlinable @discardableResult
    public func give(_ result: (Member) -> Result<Answer, APIError>) -> Bool {
        guard let members = self.members.withLock({ members in defer { members = nil }; return members }) else { return false }
        for (member, continuation) in members {
            continuation.resume(returning: result(member))
        }
        return true
    }
}
