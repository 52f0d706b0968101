// `timestamptz` text, both ways: ISO 8601 out, PostgreSQL's ISO DateStyle output in.

import Foundation

/// Converts between `Date` and the text forms of `timestamptz` and `timestamp`.
///
/// Calendar arithmetic is done on day numbers (proleptic Gregorian, as PostgreSQL uses), so
/// the result does not depend on the process's time zone or locale. Precision is one
/// microsecond, PostgreSQL's own.
enum PostgresTimestamp {
    private static let microsPerSecond: Int64 = 1_000_000
    private static let microsPerDay: Int64 = 86_400 * microsPerSecond

    /// `2024-05-06T07:08:09.123456Z` (with ` BC` and a space separator before year 1);
    /// `infinity` / `-infinity` for dates beyond what a timestamp holds.
    static func format(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * Double(microsPerSecond)).rounded()
        guard micros.magnitude < 9e18 else { return micros < 0 ? "-infinity" : "infinity" }
        let total = Int64(micros)
        let days = total.floorDivided(by: microsPerDay)
        let microOfDay = total - days * microsPerDay
        let (year, month, day) = civil(fromDays: days)
        let second = microOfDay / microsPerSecond
        let time = "\(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2)):\(pad(second % 60, 2))"
            + ".\(pad(microOfDay % microsPerSecond, 6))"
        if year <= 0 {
            return "\(pad(1 - year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(time)+00 BC"
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(time)Z"
    }

    /// Reads `YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM[:SS]]][ BC]` (a `T` separator and a `Z`
    /// offset are accepted too); text without an offset is UTC. `nil` when malformed.
    static func parse(_ text: String) -> Date? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.number(maxDigits: 7), scanner.skip("-"),
              let month = scanner.number(digits: 2), (1...12).contains(month), scanner.skip("-"),
              let day = scanner.number(digits: 2), (1...31).contains(day),
              scanner.skip(" ") || scanner.skip("T"),
              let hour = scanner.number(digits: 2), scanner.skip(":"),
              let minute = scanner.number(digits: 2), scanner.skip(":"),
              let second = scanner.number(digits: 2)
        else { return nil }
        var fraction: Int64 = 0
        if scanner.skip(".") {
            var scale = microsPerSecond
            let digits = scanner.digits()
            guard !digits.isEmpty else { return nil }
            for digit in digits.prefix(6) {
                scale /= 10
                fraction += Int64(digit) * scale
            }
        }
        var offsetSeconds: Int64 = 0
        if scanner.skip("Z") {
            offsetSeconds = 0
        } else if let sign = scanner.sign() {
            guard let hours = scanner.number(digits: 2) else { return nil }
            var seconds = hours * 3600
            if scanner.skip(":") {
                guard let minutes = scanner.number(digits: 2) else { return nil }
                seconds += minutes * 60
                if scanner.skip(":") {
                    guard let extra = scanner.number(digits: 2) else { return nil }
                    seconds += extra
                }
            }
            offsetSeconds = sign * seconds
        }
        let isBC = scanner.skip(" BC")
        guard scanner.isAtEnd else { return nil }
        let days = days(fromYear: isBC ? 1 - year : year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds * microsPerSecond + fraction) / Double(microsPerSecond))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (year 0 is 1 BC).
    private static func days(fromYear year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear.floorDivided(by: 400)
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day number (inverse of `days(fromYear:month:day:)`).
    private static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// A cursor over ASCII text.
    private struct Scanner {
        private let bytes: [UInt8]
        private var index = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        var isAtEnd: Bool { index == bytes.count }

        /// Consumes `literal` if the text continues with it.
        mutating func skip(_ literal: String) -> Bool {
            guard bytes[index...].starts(with: literal.utf8) else { return false }
            index += literal.utf8.count
            return true
        }

        /// Consumes a `+` (giving 1) or a `-` (giving -1).
        mutating func sign() -> Int64? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }

        /// Consumes a run of digits (possibly none) and returns their values.
        mutating func digits() -> [UInt8] {
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                index += 1
            }
            return bytes[start..<index].map { $0 - UInt8(ascii: "0") }
        }

        /// Consumes exactly `digits` digits.
        mutating func number(digits count: Int) -> Int64? {
            let start = index
            guard let value = number(maxDigits: count), index - start == count else { return nil }
            return value
        }

        /// Consumes one to `maxDigits` digits.
        mutating func number(maxDigits: Int) -> Int64? {
            let digits = digits()
            guard (1...maxDigits).contains(digits.count) else { return nil }
            return digits.reduce(0) { $0 * 10 + Int64($1) }
        }
    }
}

extension Int64 {
    /// Division rounding toward negative infinity.
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
