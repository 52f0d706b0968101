// `application/x-www-form-urlencoded` bodies and query strings, with repeated fields.

import Foundation

/// The fields of a submitted form (or a query string), in order; a field may repeat
/// (`id=1&id=2`, from checkboxes).
struct FormFields: Sendable, Equatable {
    private(set) var pairs: [(name: String, value: String)]

    /// Parses `name=value&...`: `+` is a space, percent-escapes are decoded, a malformed escape
    /// leaves the text as it came.
    init(encoded text: some StringProtocol) {
        pairs = String(text).split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    private static func decode(_ part: Substring) -> String {
        let spaced = part.replacing("+", with: " ")
        return spaced.removingPercentEncoding ?? String(spaced)
    }

    /// Adds fields at the end.
    mutating func append(_ more: [(name: String, value: String)]) {
        pairs += more
    }

    /// The first value of `name`, nil when absent; an empty value counts as absent.
    subscript(name: String) -> String? {
        pairs.first { $0.name == name }.map(\.value).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Every value of `name`.
    func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    static func == (lhs: FormFields, rhs: FormFields) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0 == $1 }
    }
}
