// What each operator accepts as a condition's `value`.

import SwitchyardCore
import SwitchyardJSONPath

extension TriggerOperator {
    /// The most values an `in` condition may list.
    static let maximumInValues = 1000

    /// What is wrong with `value` as this operator's operand, saying what was expected and what
    /// was got; nil when nothing is.
    /// - Parameter value: The condition's `value` member, nil when it is absent.
    func problem(with value: JSONValue?) -> String? {
        switch (self, value) {
        case (.eq, .some), (.ne, .some), (.contains, .some),
             (.lt, .int?), (.lt, .double?), (.lt, .string?), (.lte, .int?), (.lte, .double?), (.lte, .string?),
             (.gt, .int?), (.gt, .double?), (.gt, .string?), (.gte, .int?), (.gte, .double?), (.gte, .string?),
             (.startsWith, .string?), (.exists, .none), (.exists, .bool?):
            return nil
        case (.in, .array(let values)?):
            guard values.count > Self.maximumInValues else { return nil }
            return "expected an array of at most \(Self.maximumInValues) values, got \(values.count) values"
        case (.matches, .string(let pattern)?):
            guard JSONPathRegularExpression(pattern) == nil else { return nil }
            return "expected an I-Regexp pattern (RFC 9485), got \(pattern.jsonQuoted), which is not one"
        case (_, let value):
            return "expected \(expectedOperand), got \(value?.kindName ?? "nothing")"
        }
    }

    /// The operand this operator takes, for messages.
    private var expectedOperand: String {
        switch self {
        case .eq, .ne: "a value to compare with (any JSON value)"
        case .lt, .lte, .gt, .gte: "a number or a string to compare with"
        case .in: "an array of values"
        case .contains: "a value to look for (a substring, or an element of an array)"
        case .startsWith: "a string the value starts with"
        case .matches: "an I-Regexp pattern (RFC 9485)"
        case .exists: "true or false (or no value, meaning true)"
        }
    }
}
