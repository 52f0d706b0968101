// The statuses a carousel generation moves through, as stored in `generation_jobs.status`.

/// A generation's status.
public enum GenerationStatus: String, CaseIterable, Sendable {
    /// Requested; credits are reserved.
    case pending
    /// Being generated.
    case running
    /// Every slide is stored; credits are charged.
    case completed
    /// A step failed for good; nothing is charged.
    case failed
    /// Cancelled through the API; nothing is charged.
    case cancelled

    /// The statuses after which nothing changes.
    public static let final: Set<GenerationStatus> = [.completed, .failed, .cancelled]

    /// The statuses in which credits are reserved but not charged.
    public static let unfinished: Set<GenerationStatus> = [.pending, .running]
}
