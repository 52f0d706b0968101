// Starting jobs from other pipelines: what the job API does, for a caller inside a transaction.

public import SwitchyardCore
public import SwitchyardPostgres

/// Starts jobs of a tenant's workflows for other pipelines (chatbot automations), exactly as
/// `POST /v1/workflows/{id}/jobs` does: the pending job row and its first `workflow.step`
/// message, both written in the caller's transaction.
public enum WorkflowJobs {
    /// The version of a workflow a new job runs.
    public struct Version: Sendable {
        let version: JobStore.Version

        /// The workflow version's row id.
        public var id: Int64 { version.id }
        /// Its number (1, 2, ...).
        public var number: Int { version.number }
        /// The step a job starts at.
        public var startStep: String { version.startStep }
    }

    /// The latest version of `workflowID` that `tenantID` can run (its own or a built-in
    /// workflow); nil when there is none.
    public static func latestVersion(
        ofWorkflow workflowID: String, tenantID: String, on connection: isolated PostgresConnection
    ) throws -> Version? {
        do {
            return Version(version: try JobStore.latestVersion(ofWorkflow: workflowID, tenantID: tenantID, on: connection))
        } catch JobStore.Refusal.unknownWorkflow {
            return nil
        }
    }

    /// Whether `tenantID` can run `workflowID`.
    public static func exists(_ workflowID: String, tenantID: String, on connection: isolated PostgresConnection) throws -> Bool {
        try latestVersion(ofWorkflow: workflowID, tenantID: tenantID, on: connection) != nil
    }

    /// The first `workflow.step` message of job `jobID` running `version`.
    public static func firstStep(ofJob jobID: String, version: Version, tenantID: String) -> OutgoingEvent {
        StepMessage(jobID: jobID, stepID: version.version.startStep).event(tenantID: tenantID)
    }

    /// Inserts a pending job at its first step, unless a job with this id exists already.
    /// Publish ``firstStep(ofJob:version:tenantID:)`` with the transaction.
    /// - Parameter hops: How many workflow steps in a row led to it (``WorkflowHops``).
    /// - Returns: Whether the job was inserted.
    public static func insert(
        jobID: String, tenantID: String, workflowID: String, version: Version, input: String, hops: Int,
        on connection: isolated PostgresConnection
    ) throws -> Bool {
        guard try connection.query("SELECT 1 FROM jobs WHERE id = $1::uuid", [jobID]).isEmpty else { return false }
        _ = try JobStore.insert(
            jobID: jobID, tenantID: tenantID, workflowID: workflowID, version: version.version, input: input, hops: hops, on: connection)
        return true
    }
}
