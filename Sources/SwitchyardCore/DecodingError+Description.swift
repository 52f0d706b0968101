// A decoding failure as one line that names the field: for topology files, event bodies and
// request bodies alike.

extension DecodingError {
    /// The failure as `path.to.field: what was expected` (or `missing field 'x'`).
    public var fieldDescription: String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let keys = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.hasPrefix(".") ? String(keys.dropFirst()) : keys
        }
        switch self {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "\(parent.isEmpty ? "" : parent + ": ")missing key '\(key.stringValue)'"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return "\(field.isEmpty ? "" : field + ": ")expected \(Self.kind(type))"
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return field.isEmpty ? context.debugDescription : "\(field): \(context.debugDescription)"
        @unknown default:
            return "\(self)"
        }
    }

    /// What a decoder expected, as JSON and YAML call it: `an array` for the `Array<Any>` that
    /// decoders report, `an object`, `a string`, `an integer`, `a number`, `true or false`;
    /// for the node kinds that Yams reports (`Node.Mapping`, `Node.Sequence`, `Node.Scalar`)
    /// `a mapping`, `a list`, `a single value`; other types by their Swift name.
    private static func kind(_ type: Any.Type) -> String {
        if type == [Any].self { return "an array" }
        if type == [String: Any].self { return "an object" }
        if type == String.self { return "a string" }
        if type == Bool.self { return "true or false" }
        if type is any BinaryInteger.Type { return "an integer" }
        if type is any BinaryFloatingPoint.Type { return "a number" }
        switch String(reflecting: type) {
        case "Yams.Node.Mapping": return "a mapping (key: value lines)"
        case "Yams.Node.Sequence": return "a list"
        case "Yams.Node.Scalar": return "a single value"
        default: return "\(type)"
        }
    }
}
