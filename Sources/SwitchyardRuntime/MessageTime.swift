// Moments that messages carry as epoch milliseconds (`sy-first-seen`, `sy-first-failure`, ...),
// chosen by whoever published them.

/// Which epoch milliseconds a message may carry as a moment.
enum MessageTime {
    /// The last millisecond of the year 9999.
    static let latest = 253_402_300_799_999

    /// `milliseconds` when it lies between 1970 and the year 9999, else nil: anything else is
    /// no moment a clock or a `timestamptz` column can hold, and a publisher's `Int64.min`
    /// would overflow the arithmetic of an age.
    static func moment(_ milliseconds: Int) -> Int? {
        (0...latest).contains(milliseconds) ? milliseconds : nil
    }
}
