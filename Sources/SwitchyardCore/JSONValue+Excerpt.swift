// A caller's value as an error message quotes it: enough to recognise, never the whole of a
// large one, and nothing that isn't printable.

extension JSONValue {
    /// The value for a message about it: its compact JSON text (strings in quotes, control
    /// characters escaped, C1 controls too) when that is at most `limit` bytes; else a string's
    /// first `limit` characters, quoted, followed by `…`, or the kind and size of an array or
    /// object.
    /// - Parameter limit: The most of the value to show; 80 unless given.
    public func excerpt(_ limit: Int = 80) -> String {
        let text: String
        switch self {
        case .string(let string):
            let cut = string.unicodeScalars.count > limit
            let shown = cut ? String(String.UnicodeScalarView(string.unicodeScalars.prefix(limit))) : string
            text = JSONValue.string(shown).jsonText + (cut ? "…" : "")
        case .array(let elements) where jsonByteCount(upTo: limit) == nil:
            return "an array of \(elements.count) element\(elements.count == 1 ? "" : "s")"
        case .object(let members) where jsonByteCount(upTo: limit) == nil:
            return "an object of \(members.count) member\(members.count == 1 ? "" : "s")"
        default:
            text = jsonText
        }
        guard text.unicodeScalars.contains(where: { (0x7F...0x9F).contains($0.value) }) else { return text }
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if (0x7F...0x9F).contains(scalar.value) {
                escaped.append(contentsOf: "\\u00\(String(scalar.value, radix: 16))".unicodeScalars)
            } else {
                escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}
