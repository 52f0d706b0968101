// Cancelling a subject (a job, a generation) by its pipeline's own rules, for the operator
// console; the pipelines' cancel routes call the same stores.

public import SwitchyardPostgres

/// How a pipeline cancels one kind of subject, whatever its tenant.
public struct SubjectCancellation: Sendable {
    /// What a cancellation did.
    public enum Outcome: Sendable, Equatable {
        /// Cancelled now.
        case cancelled
        /// It was over already, with this status.
        case finished(String)
        /// No such subject of that tenant.
        case notFound
    }

    /// The subject's route (`jobs`, `generations`), as its ``LiveSubject`` gives it.
    public var route: String
    /// Cancels subject `id` of tenant `tenantID` in the caller's transaction.
    public var cancel: @Sendable (_ id: String, _ tenantID: String, _ connection: isolated PostgresConnection) throws -> Outcome

    /// Describes how a subject is cancelled.
    public init(
        route: String, cancel: @escaping @Sendable (_ id: String, _ tenantID: String, _ connection: isolated PostgresConnection) throws -> Outcome
    ) {
        self.route = route
        self.cancel = cancel
    }
}
