// How far a chain of workflows has run into itself: the guard against automation loops.

/// A workflow's `http` step can call Switchyard's own API: post an event that triggers an
/// automation that starts the same workflow, or start a job directly. Each such request says
/// how many workflow steps led to it (`Switchyard-Hop: n`, the step's job's hops plus one); the
/// event or job it makes carries the count on (`sy-hop`, the job's `hops`), and a request at
/// ``limit`` is refused, so a loop ends after ``limit`` rounds instead of running until someone
/// notices.
public enum WorkflowHops {
    /// The request header an `http` step sends and the API reads.
    public static let httpHeader = "Switchyard-Hop"
    /// The most workflow steps in a row that may lead to an event or a job.
    public static let limit = 8

    /// Why a request or an event that `hops` workflow steps led to is refused; nil below ``limit``.
    public static func loop(_ hops: Int) -> String? {
        guard hops >= limit else { return nil }
        return "it comes from \(hops) workflow steps in a row, each started by the one before; at most \(limit - 1) may lead to "
            + "an event or a job, so the chain stops here"
    }

    /// The count in a header's text: a whole number of at most three digits; nil otherwise.
    public static func count(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 3, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(text) else {
            return nil
        }
        return value
    }
}
