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

    /// Rows that belong to a subject and that the operator console lists under it (a
    /// generation's slides).
    public struct Parts: Sendable, Hashable {
        /// The heading they are listed under.
        public var title: String
        /// Their table.
        public var table: String
        /// The column holding the subject's id.
        public var key: String
        /// The column they are ordered by.
        public var order: String
        /// The columns shown.
        public var columns: [String]

        /// Describes a subject's parts.
        public init(title: String, table: String, key: String, order: String, columns: [String]) {
            self.title = title
            self.table = table
            self.key = key
            self.order = order
            self.columns = columns
        }
    }

    /// Its parts, when it has any.
    public var parts: Parts?

    /// Creates a subject.
    public init(route: String, table: String, name: String, finalStatuses: Set<String>, parts: Parts? = nil) {
        self.route = route
        self.table = table
        self.name = name
        self.finalStatuses = finalStatuses
        self.parts = parts
    }
}
