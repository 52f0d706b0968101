// Equality and order of JSON values as RFC 9535 defines them: numbers by value whatever their
// representation, strings by code points, arrays and objects deeply.

import SwitchyardCore

extension JSONValue {
    /// RFC 9535 equality: `1 == 1.0`, strings equal scalar for scalar, arrays element by
    /// element, objects with the same names and equal values.
    func isEqual(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let left), .bool(let right)): return left == right
        case (.int(let left), .int(let right)): return left == right
        case (.double(let left), .double(let right)): return left == right
        case (.int(let left), .double(let right)): return Self.compare(left, right) == 0
        case (.double(let left), .int(let right)): return Self.compare(right, left) == 0
        case (.string(let left), .string(let right)): return left.hasSameScalars(as: right)
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.isEqual(to: $1) }
        case (.object(let left), .object(let right)):
            return left.count == right.count && left.allSatisfy { name, value in
                right.member(named: name).map { value.isEqual(to: $0) } ?? false
            }
        default: return false
        }
    }

    /// RFC 9535 `<`: between two numbers by value, between two strings by code points
    /// (UTF-8 byte order is code point order); false for anything else.
    func isLess(than other: JSONValue) -> Bool {
        switch (self, other) {
        case (.int(let left), .int(let right)): left < right
        case (.double(let left), .double(let right)): left < right
        case (.int(let left), .double(let right)): Self.compare(left, right) == -1
        case (.double(let left), .int(let right)): Self.compare(right, left) == 1
        case (.string(let left), .string(let right)): left.precedesInCodePointOrder(right)
        default: false
        }
    }

    /// -1, 0 or 1 as `integer` is less than, equal to or greater than `double`, exactly (no
    /// rounding of either); nil when `double` is NaN.
    private static func compare(_ integer: Int64, _ double: Double) -> Int? {
        if double.isNaN { return nil }
        // 2^63 is the first double above every Int64; -2^63 is Int64.min itself.
        if double >= 9_223_372_036_854_775_808.0 { return -1 }
        if double < -9_223_372_036_854_775_808.0 { return 1 }
        let floor = double.rounded(.down)
        let whole = Int64(floor)
        if integer < whole { return -1 }
        if integer > whole { return 1 }
        return double > floor ? -1 : 0
    }
}
