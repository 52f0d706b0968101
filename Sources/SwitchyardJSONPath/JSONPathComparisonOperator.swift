// The comparison operators and what they say about two values, either of which may be Nothing.

import SwitchyardCore

/// `==`, `!=`, `<`, `<=`, `>`, `>=`.
enum JSONPathComparisonOperator: Sendable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual

    /// The comparison of two comparables' values, nil standing for Nothing (RFC 9535, section
    /// 2.3.5.2.2): Nothing equals only Nothing; `<` holds between two numbers or two strings.
    func holds(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        switch self {
        case .equal: Self.equal(left, right)
        case .notEqual: !Self.equal(left, right)
        case .less: Self.less(left, right)
        case .lessOrEqual: Self.less(left, right) || Self.equal(left, right)
        case .greater: Self.less(right, left)
        case .greaterOrEqual: Self.less(right, left) || Self.equal(left, right)
        }
    }

    private static func equal(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        // Pattern matching, not `== nil`: JSONValue is ExpressibleByNilLiteral, so `nil` there
        // could be read as `.null`.
        switch (left, right) {
        case (.some(let left), .some(let right)): left.isEqual(to: right)
        case (.none, .none): true
        case (.some, .none), (.none, .some): false
        }
    }

    private static func less(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        guard let left, let right else { return false }
        return left.isLess(than: right)
    }
}
