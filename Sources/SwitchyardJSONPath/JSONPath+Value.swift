// The one value a query selects, as RFC 9535's value() takes it; walked without a nodelist when
// the query is singular.

public import SwitchyardCore

extension JSONPath {
    /// The value of the one node the query selects from `document`, as RFC 9535's `value()`
    /// gives it: nil when the query selects no node or several.
    ///
    /// A singular query (``isSingular``) is walked step by step without building a nodelist,
    /// so looking up `$.user.tier` in every event costs a few dictionary lookups.
    /// - Parameter document: The value `$` stands for.
    public func value(in document: JSONValue) -> JSONValue? {
        var value = document
        for segment in segments {
            guard let step = segment.singularStep else {
                let values = values(in: document)
                return values.count == 1 ? values[0] : .none
            }
            guard let child = step.child(of: value) else { return .none }
            value = child
        }
        return value
    }
}
