// Something a client can follow over Server-Sent Events: a job, a project, a generation, ...

/// A kind of row whose status changes and progress the migrations' triggers append to
/// `live_updates`, followed at `GET /v1/{route}/{id}/events`.
public struct LiveSubject: Sendable, Hashable {
    /// The route segment (`jobs` for `/v1/jobs/{id}/events`).
    public var route: String
    /// The table its rows live in; it has `id`, `tenant_id` and `status` columns.
    public var table: String
    /// Its name in messages (`job`).
    public var name: String
    /// The statuses after which nothing changes: the stream ends after the update to one.
    public var finalStatuses: Set<String>

    /// Creates a subject.
    public init(route: String, table: String, name: String, finalStatuses: Set<String>) {
        self.route = route
        self.table = table
        self.name = name
        self.finalStatuses = finalStatuses
    }
}
