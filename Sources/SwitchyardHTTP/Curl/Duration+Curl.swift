// Converting Swift durations to libcurl's millisecond options.

extension Duration {
    /// Whole milliseconds, rounded up and at least 1 (libcurl reads 0 as "no limit"), at most
    /// `Int32.max`.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let milliseconds = (Double(seconds) * 1_000 + Double(attoseconds) / 1e15).rounded(.up)
        return Int(min(max(milliseconds, 1), Double(Int32.max)))
    }
}
