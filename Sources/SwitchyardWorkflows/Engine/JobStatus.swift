// The statuses a job moves through, as stored in `jobs.status` and shown by the API.

/// A job's status.
public enum JobStatus: String, CaseIterable, Sendable {
    /// Created; its first step is queued.
    case pending
    /// A step is running or queued.
    case running
    /// A step failed and waits for its retry (`next_retry_at`).
    case awaitingRetry = "awaiting_retry"
    /// Every step ran; the result is set.
    case completed
    /// A step failed for good; the error is set.
    case failed
    /// Cancelled through the API; no further step runs.
    case cancelled

    /// The statuses after which nothing changes.
    public static let final: Set<JobStatus> = [.completed, .failed, .cancelled]
}
