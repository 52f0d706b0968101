// RFC 9535's equality and order of JSON values, for callers outside the module that compare
// the way filters do.

public import SwitchyardCore

extension JSONValue {
    /// Whether this value equals `other` as RFC 9535's `==` says: numbers by value whatever
    /// their representation (`1 == 1.0`), strings scalar for scalar (not Swift's canonical
    /// equivalence), arrays element by element, objects with the same names and equal values.
    /// Values of different kinds are unequal.
    /// - Parameter other: The value to compare with.
    public func isJSONPathEqual(to other: JSONValue) -> Bool {
        isEqual(to: other)
    }

    /// Whether this value is less than `other` as RFC 9535's `<` says: two numbers by value,
    /// two strings in code point order; false for any other pair (`<=` is `<` or `==`).
    /// - Parameter other: The value to compare with.
    public func isJSONPathLess(than other: JSONValue) -> Bool {
        isLess(than: other)
    }
}
