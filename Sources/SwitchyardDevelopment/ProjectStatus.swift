// The statuses a project of the development pipeline moves through, as stored in `projects.status`.

/// A project's status.
public enum ProjectStatus: String, CaseIterable, Sendable {
    /// The conversation is being analysed.
    case analyzing
    /// Analysed; waiting for its plan.
    case planning
    /// Planned; waiting for its build to start.
    case readyToBuild = "ready_to_build"
    /// The build service is building it.
    case building
    /// Built.
    case completed
    /// Failed for good.
    case failed

    /// The statuses after which nothing changes.
    public static let final: Set<ProjectStatus> = [.completed, .failed]
}
