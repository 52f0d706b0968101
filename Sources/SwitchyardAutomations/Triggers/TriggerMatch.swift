// Whether a trigger needs all of its conditions or any one of them.

/// How a trigger's conditions combine.
enum TriggerMatch: String, Sendable {
    /// Every condition must hold (the default).
    case all
    /// At least one condition must hold.
    case any
}
