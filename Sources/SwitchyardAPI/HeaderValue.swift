// A request header's value without the generic join of HTTPFields' subscript.

public import HTTPTypes

extension HTTPFields {
    /// The value of the fields called `name`, as `self[name]` gives it: nil when there is none,
    /// the one field's value, or the values of repeated fields joined by ", " ("; " for
    /// `Cookie`).
    ///
    /// The subscript joins through an unspecialized generic `joined(separator:)` even for the
    /// single field a request almost always has: a webhook's six header reads took 27,000 of its
    /// 431,000 instructions (callgrind). This walks the fields once and copies nothing for one
    /// field.
    ///
    /// Repeated fields are joined once, at the end: a request may repeat a header thousands of
    /// times within the head's size limit, and joining as they come would copy the growing text
    /// each time.
    public func value(of name: HTTPField.Name) -> String? {
        var first: String?
        var more: [String] = []
        for field in self where field.name == name {
            if first == nil { first = field.value } else { more.append(field.value) }
        }
        guard let first else { return nil }
        return more.isEmpty ? first : ([first] + more).joined(separator: name == .cookie ? "; " : ", ")
    }
}
