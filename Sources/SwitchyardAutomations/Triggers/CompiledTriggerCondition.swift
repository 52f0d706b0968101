// One condition ready to test event bodies: its query parsed, its pattern or substring
// prepared, its comparison chosen.

import SwitchyardCore
import SwitchyardJSONPath

/// A ``TriggerCondition`` compiled once for matching against any number of bodies.
struct CompiledTriggerCondition: Sendable {
    /// The condition as the tenant gave it.
    let condition: TriggerCondition
    /// The query; nil when the path doesn't compile, which only a trigger that didn't come
    /// from ``TriggerValidator`` can have: such a condition never holds.
    private let query: JSONPath?
    private let test: Test

    /// What is checked of the selected value (nil: the path selected nothing), with the operand
    /// ready. Comparisons follow RFC 9535, where Nothing is unequal to every value and less or
    /// greater than none.
    private enum Test: Sendable {
        case equal(JSONValue)
        case notEqual(JSONValue)
        case less(JSONValue)
        case lessOrEqual(JSONValue)
        case greater(JSONValue)
        case greaterOrEqual(JSONValue)
        case oneOf([JSONValue])
        /// A substring of a string or an element of an array; the substring is nil when the
        /// value isn't a string (then only arrays can contain it).
        case contains(JSONValue, TriggerSubstring?)
        case startsWith(String)
        case matches(JSONPathRegularExpression)
        case exists(Bool)
        /// An operand the operator can't use (not from ``TriggerValidator``): never holds.
        case never
    }

    /// Compiles `condition`.
    /// - Parameter condition: A condition of a trigger ``TriggerValidator`` accepted.
    init(_ condition: TriggerCondition) {
        self.condition = condition
        query = try? JSONPath(condition.path)
        test = switch (condition.op, condition.value) {
        case (.eq, let value?): .equal(value)
        case (.ne, let value?): .notEqual(value)
        case (.lt, let value?): .less(value)
        case (.lte, let value?): .lessOrEqual(value)
        case (.gt, let value?): .greater(value)
        case (.gte, let value?): .greaterOrEqual(value)
        case (.in, .array(let values)?): .oneOf(values)
        case (.contains, let value?): .contains(value, value.string.map(TriggerSubstring.init))
        case (.startsWith, .string(let prefix)?): .startsWith(prefix)
        case (.matches, .string(let pattern)?): JSONPathRegularExpression(pattern).map(Test.matches) ?? .never
        case (.exists, .none): .exists(true)
        case (.exists, .bool(let expected)?): .exists(expected)
        default: .never
        }
    }

    /// Whether the condition holds for `body`, and the value its path selected there (nil when
    /// it selected nothing).
    func evaluate(_ body: JSONValue) -> (holds: Bool, actual: JSONValue?) {
        guard let query else { return (false, .none) }
        let actual = query.value(in: body)
        return (holds(for: actual), actual)
    }

    private func holds(for actual: JSONValue?) -> Bool {
        switch test {
        case .equal(let value): Self.equal(actual, value)
        case .notEqual(let value): !Self.equal(actual, value)
        case .less(let value): Self.less(actual, value)
        case .lessOrEqual(let value): Self.less(actual, value) || Self.equal(actual, value)
        case .greater(let value): Self.less(value, actual)
        case .greaterOrEqual(let value): Self.less(value, actual) || Self.equal(actual, value)
        case .oneOf(let values): values.contains { Self.equal(actual, $0) }
        case .contains(let value, let substring):
            switch actual {
            case .string(let text)?: substring?.occurs(in: text) ?? false
            case .array(let elements)?: elements.contains { $0.isJSONPathEqual(to: value) }
            default: false
            }
        case .startsWith(let prefix):
            if case .string(let text)? = actual { text.utf8.starts(with: prefix.utf8) } else { false }
        case .matches(let pattern):
            if case .string(let text)? = actual { pattern.occurs(in: text) } else { false }
        case .exists(let expected):
            if case .some = actual { expected } else { !expected }
        case .never: false
        }
    }

    /// RFC 9535 `==` between the selected value (nil: Nothing) and an operand.
    private static func equal(_ actual: JSONValue?, _ value: JSONValue) -> Bool {
        actual?.isJSONPathEqual(to: value) ?? false
    }

    /// RFC 9535 `<` between two values, either of which may be Nothing (nil): false when one is.
    private static func less(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        guard let left, let right else { return false }
        return left.isJSONPathLess(than: right)
    }
}
