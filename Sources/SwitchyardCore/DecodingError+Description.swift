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
            return "\(path(context.codingPath)): expected \(type)"
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return field.isEmpty ? context.debugDescription : "\(field): \(context.debugDescription)"
        @unknown default:
            return "\(self)"
        }
    }
}
