// The tests a condition may apply to the value its path selects.

/// A condition's `op`, spelled in JSON as its raw value.
enum TriggerOperator: String, CaseIterable, Sendable {
    /// Equal, as RFC 9535's `==` (numbers by value, strings by code points, arrays and objects deeply).
    case eq
    /// Not equal, as RFC 9535's `!=`: true when the path selects nothing.
    case ne
    /// Less than, as RFC 9535's `<`: two numbers or two strings.
    case lt
    /// Less than or equal, as RFC 9535's `<=`.
    case lte
    /// Greater than, as RFC 9535's `>`.
    case gt
    /// Greater than or equal, as RFC 9535's `>=`.
    case gte
    /// Equal to one of the values of an array.
    case `in`
    /// A string with the value as a substring, or an array with an element equal to the value.
    case contains
    /// A string that starts with the value.
    case startsWith = "starts_with"
    /// A string in which the I-Regexp pattern occurs somewhere (RFC 9535's `search()`).
    case matches
    /// The path selects a node (or, with `false`, selects none).
    case exists
}
