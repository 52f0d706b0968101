// Reading the Retry-After header: delay-seconds or an HTTP-date (RFC 9110, section 10.2.3).

public import Foundation

extension HTTPResponse {
    /// The delay the server asked for in `Retry-After`, or `nil` if absent or unreadable.
    ///
    /// Accepts delay-seconds (`120`) and the three HTTP-date forms (`Sun, 06 Nov 1994 08:49:37
    /// GMT`, the obsolete RFC 850 and asctime forms). A date in the past gives zero.
    /// - Parameter now: The current time, against which an HTTP-date is measured.
    public func retryAfter(now: Date = Date()) -> Duration? {
        guard let value = header("Retry-After")?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        if value.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            return Int64(value).map { .seconds($0) } ?? .seconds(Int64.max)
        }
        guard let date = Self.parseHTTPDate(value) else { return nil }
        let seconds = date.timeIntervalSince(now)
        return seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded(.up))) : .zero
    }

    private static func parseHTTPDate(_ text: String) -> Date? {
        let text = text.split(separator: " ").joined(separator: " ")  // asctime pads days: "Nov  6"
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        for format in ["EEE, dd MMM yyyy HH:mm:ss 'GMT'", "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return date
            }
        }
        return nil
    }
}
